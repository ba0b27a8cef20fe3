// What a station screen shows: the current order and step, the next line to pick, the last scan's
// verdict, the live weight against the expected range, and the label status. Stations keeps one
// per station and hands a copy to its change handler on every change; station_snapshot_json()
// renders it for the screens (WebSocket/SSE, HTTP API).
//
// Value types; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace wedge::station {

struct NextLine {
  int line = -1;
  std::string sku;
  std::string location;
  std::int64_t qty_left = 0;
};

// What goes back to one location when a cancelled order is put away (put_away.hpp).
struct ReturnItem {
  int line = -1;  // the order line, counted from 0
  std::string sku;
  std::int64_t qty = 0;
  std::vector<std::string> serials;
};
struct ReturnLocation {
  std::string location;  // "" for lines without a location
  std::vector<ReturnItem> items;
};

struct LastScan {
  std::string barcode;
  std::string verdict;  // "accepted" | "refused" | "attention"
  std::string code;     // "accepted", a refusal code ("wrong_item", "buffer full", …)
  std::string message;  // the sentence the picker sees
  std::vector<std::string> locations;  // return locations of a cancelled order
  std::int64_t at_unix_ms = 0;
  std::int64_t seq = 0;  // counts the verdicts shown at this station
};

struct WeightView {
  std::optional<double> live_grams;
  bool stable = false;
  std::optional<double> expected_grams;
  std::optional<double> allowed_deviation_grams;
  std::optional<double> measured_grams;
};

// An order at risk (docs/workflows.md, "Orders at risk"), as the screens list it: before
// everything else on the station screen and the overview.
struct AtRiskOrder {
  std::string order_id;
  std::string step;     // pick | pack | ship
  std::string reason;   // the most urgent one: step_limit, ship_by, step_limit_near
  std::string station;  // the station working on it; "" while it waits
  std::string target;   // the station or group of its pick list
  std::optional<std::int64_t> predicted_ship_at_unix_ms;  // with a ship_by only
  std::optional<std::int64_t> ship_by_unix_ms;
  std::int64_t rank = 0;  // arrival order
};

struct StationSnapshot {
  std::string station;
  std::vector<std::string> steps;
  std::string order_id;  // empty when the station has no order
  std::string step;      // pick | pack | ship
  std::string phase;     // see workflow_order.hpp
  std::string status;    // active | held | cancelled
  std::string prompt;    // what the operator should do now
  std::optional<NextLine> next_line;
  std::int64_t lines_total = 0;
  std::int64_t lines_done = 0;
  LastScan last_scan;
  WeightView weight;
  std::string label_state;  // none | printing | printed | failed | verified
  std::string label_sscc;
  std::string label_error;
  std::int64_t queued_orders = 0;
  std::vector<ReturnLocation> put_away;  // a cancelled order: what still goes back where
  std::vector<AtRiskOrder> orders_at_risk;  // at risk now, here or waiting for this station; oldest first
  // The return in hand at a returns station (return_view.cpp: expected, scanned, grade buttons);
  // empty otherwise (rendered as "return": null).
  boost::json::object return_view;
  std::int64_t version = 0;  // increases with every change
};

[[nodiscard]] boost::json::object station_snapshot_json(const StationSnapshot& snapshot);

// People count order lines from 1 ("Line 1"); the workflow counts from 0 (NextLine::line,
// Stations::declare_short). The screens and the HTTP API show and take the people's numbers.
[[nodiscard]] constexpr int line_number(int line_index) { return line_index + 1; }
[[nodiscard]] constexpr int line_index(int line_number) { return line_number - 1; }

// The verdict says the scan's event could not be stored (the outbox was full, failed or closing):
// the scan was not recorded at all, which is no refusal of the barcode itself.
[[nodiscard]] bool not_recorded(const LastScan& verdict);

}  // namespace wedge::station
