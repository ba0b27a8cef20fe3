// The pick check: is this scan an item this order still needs, in an acceptable state?
//
// check_scan() takes an order, its pick state and one scan, and decides: accepted (which line, how
// many units the scan counts) or refused (a reason code and a sentence for the picker). It does not
// change the state; record_pick() does, once the station has stored the event. Order of checks:
//   1. the barcode must read: SKU alias / SKU text first, else GS1 (gs1.hpp) — a GS1 error is the
//      refusal code (bad_check_digit, bad_date, …);
//   2. it must name an item: an SSCC or another non-item barcode → not_an_item, an unknown plain
//      text → unknown_barcode, a GTIN or SKU not on the order → wrong_item;
//   3. quantity: (37) count, else (30) variable count, else 1; 0 → zero_quantity; more than is
//      still open on the line → over_pick;
//   4. dates: (17) expiry before today → expired; the item's date ((17), else (15)) before
//      ship date (or today) + minimum shelf life (line value, else config default) →
//      shelf_life_too_short; a line with its own min_shelf_life_days needs a date → date_missing;
//   5. lot: the line's allowed_lots, when not empty, must contain (10) → lot_not_allowed,
//      lot_missing;
//   6. serials: capture_serials needs (21) → serial_missing; a serial already picked on the order
//      → serial_duplicate; a unit (GTIN + serial) another order holds (CheckOptions::serial_owner,
//      the gateway's serial registry) → serial_in_other_order, the message naming that order.
// declare_short_pick() lists what is still missing when the picker declares a short pick.
//
// Pure functions over value types (serial_owner is the caller's lookup, run on the caller's thread).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/gs1/gs1.hpp"
#include "daemon/station/order.hpp"

namespace wedge::station {

struct LinePickState {
  std::int64_t picked = 0;
  std::set<std::string> serials;
  std::set<std::string> lots;  // (10) lots picked: a return checks against them (return_check.hpp)
};

// One entry per PickList line, same order. A shorter vector counts missing lines as unpicked.
struct PickState {
  std::vector<LinePickState> lines;
};

struct CheckOptions {
  CalendarDate today;                     // for expired and as ship date when the order has none
  int current_year = 0;                   // for the GS1 century rule; 0 = today.year
  int default_min_shelf_life_days = 0;    // config default when a line does not set one
  std::map<std::string, std::string> sku_aliases;  // scanned text → SKU (config)
  bool accept_bracketed_text = false;     // see gs1.hpp ParseOptions
  bool tolerate_trailing_gs = false;      // see gs1.hpp ParseOptions
  bool sscc_on_other_symbol = false;      // see gs1.hpp ParseOptions
  // The order that holds the unit (GTIN, serial) at this gateway, if any (serial_registry.hpp);
  // empty function: serials are checked within the order only.
  std::function<std::optional<std::string>(const std::string& gtin, const std::string& serial)> serial_owner;
};

enum class Verdict { accepted, refused };

struct ScanDecision {
  Verdict verdict = Verdict::refused;
  std::string code;     // "accepted", or the refusal reason: "wrong_item", "bad_check_digit", …
  std::string message;  // one sentence for the picker
  std::string detail;   // technical, for the event and logs
  int line = -1;        // the order line concerned, when known
  std::string sku;
  std::int64_t qty = 0;  // units this scan counts (accepted) or would have counted
  std::string gtin;      // 14 digits, when the scan had one
  std::string lot;
  std::string serial;
  std::optional<CalendarDate> expiry;  // the date the shelf-life check used
  std::vector<std::string> warnings;   // e.g. "possible_missing_separator": accept with attention
  std::optional<ParsedScan> scan;      // the parsed barcode, when it parsed

  [[nodiscard]] bool accepted() const { return verdict == Verdict::accepted; }
};

[[nodiscard]] ScanDecision check_scan(const PickList& order, const PickState& state, std::string_view data,
                                      std::string_view aim_id, const CheckOptions& options);

// Adds an accepted decision to the state (picked qty, serial). Refusals change nothing.
void record_pick(PickState& state, const ScanDecision& decision);

struct MissingLine {
  int line = -1;
  std::string sku;
  std::string location;
  std::int64_t ordered = 0;
  std::int64_t picked = 0;
  std::int64_t missing = 0;
};

// Every line with picked < ordered, in order-line order; empty when the order is complete.
[[nodiscard]] std::vector<MissingLine> declare_short_pick(const PickList& order, const PickState& state);

// True when every line is picked in full.
[[nodiscard]] bool pick_complete(const PickList& order, const PickState& state);

// The picker sentences for the check's own refusal codes (exact strings in docs/scan-validation.md).
[[nodiscard]] std::string_view refusal_sentence(std::string_view code) noexcept;

}  // namespace wedge::station
