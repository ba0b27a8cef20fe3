// The risk check of every open order (docs/workflows.md, "Orders at risk"), run by PeriodicChecks
// every options.at_risk_check. Per order and step it sends at most one order.at_risk for each
// reason:
//   step_limit_near  the step has used `time_limits.warn_at_percent` % of its limit (early warning)
//   step_limit       the step ran past its limit
// and, for an order whose pick list has a `ship_by`, order.at_risk (reason ship_by) once the
// predicted ship time (ship_prediction.hpp, from the stations' measured step durations) passes the
// cut-off, then order.back_on_track once it no longer does — and so on as the prediction moves.
// What was reported is stored with the order, so a restart repeats nothing. Each pass also rebuilds
// StationContext::at_risk, which the screens list first.
//
// Loop thread only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "daemon/station/ship_prediction.hpp"
#include "daemon/station/station_context.hpp"

namespace wedge::station {

class OrderRisk {
 public:
  explicit OrderRisk(StationContext& ctx) : ctx_(ctx) {}

  // One pass over the open orders.
  void check();

 private:
  using Json = StationContext::Json;

  // The station working on the order when it does `step`; else one that can take it in `step`.
  [[nodiscard]] const StationRt* station_for(const OrderRecord& order, Step step) const;
  // The station working on the order; else one that can take it in its current step.
  [[nodiscard]] TimeLimits limits_for(const OrderRecord& order) const;
  [[nodiscard]] std::int64_t warn_percent_for(const OrderRecord& order) const;
  // The current and later steps' estimates (medians of this pass's KPI figures).
  [[nodiscard]] std::map<Step, StepEstimate> estimates_for(const OrderRecord& order, std::int64_t now);
  [[nodiscard]] std::optional<double> measured_median(const std::string& station, Step step, std::int64_t now);

  // The common part of order.at_risk and order.back_on_track.
  [[nodiscard]] Json event_data(const OrderRecord& order, std::string_view reason,
                                const std::optional<ShipPrediction>& prediction) const;
  void report_step(OrderRecord& order, const AtRisk& clock, std::string_view reason, std::int64_t warn_percent,
                   const std::optional<ShipPrediction>& prediction);
  void report_ship_by(OrderRecord& order, ShipByChange change, const AtRisk& clock, const ShipPrediction& prediction);
  void add_to_list(const OrderRecord& order, const std::optional<ShipPrediction>& prediction);

  StationContext& ctx_;
  // Medians by station and step, taken from the KPI windows once per pass.
  std::map<std::pair<std::string, Step>, std::optional<double>> medians_;
  std::vector<AtRiskOrder> list_;  // the pass's StationContext::at_risk
};

}  // namespace wedge::station
