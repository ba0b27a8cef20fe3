// When will an order be shipped? The prediction behind order.at_risk (reason ship_by) and
// order.back_on_track (docs/workflows.md, "Orders at risk"): from now, what is left of the current
// step plus the whole of every later step this gateway does, each step taking what the station
// that does it measured (the median of its durations over the KPI windows kept), or — without a
// measurement — the step's time limit.
//
// Value types and pure functions; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "daemon/station/workflow_order.hpp"

namespace wedge::station {

// What one step is expected to take at the station that does it.
struct StepEstimate {
  std::optional<double> measured_s;  // median of the measured durations; empty = none measured
  std::int64_t limit_s = 0;          // the step's time limit: the fallback

  [[nodiscard]] double seconds() const { return measured_s ? *measured_s : static_cast<double>(limit_s); }
  [[nodiscard]] std::string_view basis() const { return measured_s ? "measured" : "limit"; }
};

struct ShipPrediction {
  std::int64_t ship_at_unix_ms = 0;
  std::map<std::string, std::string> basis;  // step → "measured" | "limit", the steps counted
};

// The predicted ship time of `order` at `now_unix_ms`. `estimates` holds the current step and the
// later ones this gateway does (a step missing from it is done elsewhere and not counted). The
// current step counts what is left of its estimate after the time spent in it since it started
// (never less than 0; a step not started yet — waiting in a queue — counts in full). Empty for
// final or done orders.
[[nodiscard]] std::optional<ShipPrediction> predict_ship(const OrderRecord& order,
                                                         const std::map<Step, StepEstimate>& estimates,
                                                         std::int64_t now_unix_ms);

enum class ShipByChange { none, at_risk, back_on_track };

// What the prediction changes for an order with a ship_by: at risk once the predicted time passes
// the cut-off (not reported yet), back on track once it no longer does (after being reported).
// Nothing for orders without ship_by or final ones.
[[nodiscard]] ShipByChange ship_by_change(const OrderRecord& order, std::int64_t predicted_ship_at_unix_ms);

}  // namespace wedge::station
