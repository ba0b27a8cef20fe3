// The workflow state of one order as the stations track it: where it is (step and phase), who
// works on it, what was picked, its weight and label — everything a restart needs to resume
// exactly where it was. Serialised to one JSON document per order by order_json_record() and
// stored by OrderStore (order_store.hpp).
//
// Steps run pick → pack → ship → done. Phases inside a step:
//   pick:  picking                       (item and location scans)
//   pack:  identify → weigh → label → verify   (label_failed when the print failed); an order in
//          several parcels (`parcels` not empty) runs fill → weigh → label → verify per parcel
//   ship:  identify                      (the parcel scan at the dock)
//   done:  shipped
// `status` is orthogonal: active, held (resumes in the same step and phase on release),
// cancelled (final), shipped (final), handed_over (final: picked at a gateway with no pack
// station, the order goes on at another gateway; it keeps step pack, phase identify).
//
// Value types and pure functions; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/station/order.hpp"
#include "daemon/station/scan_check.hpp"

namespace wedge::station {

enum class Step { pick, pack, ship, done };
enum class Phase { picking, identify, weigh, label, label_failed, verify, shipped, fill };
enum class OrderStatus { active, held, cancelled, shipped, handed_over };

[[nodiscard]] std::string_view to_string(Step step) noexcept;
[[nodiscard]] std::string_view to_string(Phase phase) noexcept;
[[nodiscard]] std::string_view to_string(OrderStatus status) noexcept;
[[nodiscard]] std::optional<Step> step_from(std::string_view text) noexcept;
[[nodiscard]] std::optional<Phase> phase_from(std::string_view text) noexcept;
[[nodiscard]] std::optional<OrderStatus> status_from(std::string_view text) noexcept;

enum class LabelState { none, printing, printed, failed, verified };
[[nodiscard]] std::string_view to_string(LabelState state) noexcept;

struct LabelRecord {
  LabelState state = LabelState::none;
  std::string job_id;      // print queue job of the current label
  std::string printer_id;  // the printer that prints (and reprints) it
  std::string sscc;        // 18 digits, empty when no GS1 company prefix is configured
  std::string tracking;    // label_fields.tracking, else the SSCC, else the order id
  std::string error;       // why the last print failed
  std::vector<std::string> voided_sscc;  // labels replaced or cancelled: their scans are refused
};

// One parcel of an order packed in several (docs/workflows.md, "Parcels"). A parcel moves
// fill (items scanned into it) → closed → weighed → labelled → verified (packed) → loaded at ship.
struct ParcelRecord {
  std::int64_t number = 1;          // 1-based
  std::vector<std::int64_t> units;  // per pick-list line: units in this parcel
  bool closed = false;              // its contents are final: it is weighed next
  std::optional<double> measured_grams;
  LabelRecord label;                // its own label; voided SSCCs are kept on the order's `label`
  bool packed = false;              // its label was verified (parcel.packed)
  bool loaded = false;              // scanned at the ship station

  [[nodiscard]] std::int64_t unit_count() const;
};

struct StepTimes {
  std::int64_t started_unix_ms = 0;
  std::int64_t finished_unix_ms = 0;
};

struct OrderRecord {
  std::string order_id;
  std::int64_t rank = 0;           // arrival order: queues are FIFO by rank
  std::string command_station;     // "station" of the pick_list command
  std::string target;              // station id or station group the order is for
  std::string pick_list_json;      // the pick list "data" as last accepted (pick_list / update)
  PickList pick_list;              // parsed from pick_list_json (not serialised)
  PickState pick;
  std::set<int> short_lines;       // lines declared short: closed with picked < qty
  Step step = Step::pick;
  Phase phase = Phase::picking;
  OrderStatus status = OrderStatus::active;
  std::string station;             // the station working on it, "" while waiting
  std::string hold_reason;
  std::string cancel_reason;
  std::string location;            // last location scanned at pick
  std::optional<double> measured_grams;
  LabelRecord label;               // the label of a single-parcel order (and every voided SSCC)
  std::vector<ParcelRecord> parcels;  // empty: one parcel (`label`, `measured_grams`); else each parcel
  std::string loading_station;     // ship: the station scanning this order's parcels, "" before
  std::map<std::string, StepTimes> times;  // "pick", "pack", "ship"
  std::int64_t received_unix_ms = 0;
  std::set<std::string> at_risk_reported;  // steps whose order.at_risk event was sent
  std::set<std::string> at_risk_warned;    // steps whose early warning (step_limit_near) was sent
  bool ship_by_at_risk = false;            // reported at risk of missing ship_by, not yet back on track
  std::int64_t ended_unix_ms = 0;          // when it was shipped, cancelled or handed over (0 while open)
  std::set<std::string> put_away;          // a cancelled order's locations whose units are back (put_away.hpp)

  [[nodiscard]] bool final() const {
    return status == OrderStatus::cancelled || status == OrderStatus::shipped ||
           status == OrderStatus::handed_over;
  }
  // Units picked so far over all lines.
  [[nodiscard]] std::int64_t units_picked() const;
  // The first line with units still to pick that is not declared short, or -1.
  [[nodiscard]] int next_line() const;
  // Every line picked in full or declared short.
  [[nodiscard]] bool pick_finished() const;
  // Distinct locations of lines with picked units (where a cancelled order's items go back), but
  // those already put away.
  [[nodiscard]] std::vector<std::string> return_locations() const;
  // "queued" for a pick order no station has started, "shipped" or "handed_over" for one that
  // left this gateway, else the step name.
  [[nodiscard]] std::string intercept_step() const;
};

// Per-step time limits in seconds (the station's time_limits, or the pick list's own).
struct TimeLimits {
  std::int64_t pick_s = 900;
  std::int64_t pack_s = 600;
  std::int64_t ship_s = 3600;
};

struct AtRisk {
  Step step = Step::pick;
  std::int64_t since_unix_ms = 0;  // when the order entered the step (waiting included)
  std::int64_t limit_s = 0;
  std::int64_t elapsed_ms = 0;     // since `since_unix_ms`
};

// The clock of the order's current step at `now_unix_ms`: when it began, its limit (the pick
// list's own limits win over `station_limits`) and the time elapsed since, whether late or not.
// Empty for final orders and orders without an arrival time.
[[nodiscard]] std::optional<AtRisk> step_clock(const OrderRecord& order, const TimeLimits& station_limits,
                                               std::int64_t now_unix_ms);

// Whether `order` has waited or worked in its current step longer than the step's limit at
// `now_unix_ms` and has not been reported at risk for that step yet. The pick list's own limits
// win over `station_limits`. A step starts when the previous one finished: pick when the order was
// received, pack when picking finished, ship when packing finished. Final orders are never at risk.
[[nodiscard]] std::optional<AtRisk> check_at_risk(const OrderRecord& order, const TimeLimits& station_limits,
                                                  std::int64_t now_unix_ms);

// Whether `order` has been in its current step for more than `warn_percent` % of the step's limit
// (limits as for check_at_risk) at `now_unix_ms`, is not past the limit itself, and was neither
// warned nor reported at risk for that step yet: the early warning before the limit is blown.
// `warn_percent` 0 = no early warnings.
[[nodiscard]] std::optional<AtRisk> check_step_warning(const OrderRecord& order, const TimeLimits& station_limits,
                                                       std::int64_t warn_percent, std::int64_t now_unix_ms);

// JSON document of everything but `pick_list` (rebuilt from pick_list_json on load).
[[nodiscard]] std::string order_record_json(const OrderRecord& record);
// Parses a stored document; the pick list is re-validated from pick_list_json. A damaged row is an
// invalid_argument error with the reason.
[[nodiscard]] core::Result<OrderRecord> order_record_from_json(std::string_view json);

}  // namespace wedge::station
