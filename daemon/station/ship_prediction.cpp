#include "daemon/station/ship_prediction.hpp"

#include <algorithm>
#include <cmath>

namespace wedge::station {

std::optional<ShipPrediction> predict_ship(const OrderRecord& order, const std::map<Step, StepEstimate>& estimates,
                                           std::int64_t now_unix_ms) {
  if (order.final() || order.step == Step::done) return std::nullopt;
  ShipPrediction prediction;
  double seconds_left = 0;
  for (const auto& [step, estimate] : estimates) {
    if (step < order.step || step == Step::done) continue;
    double step_s = estimate.seconds();
    if (step == order.step) {
      const auto times = order.times.find(std::string(to_string(step)));
      const auto started = times == order.times.end() ? 0 : times->second.started_unix_ms;
      if (started > 0) step_s = std::max(0.0, step_s - static_cast<double>(now_unix_ms - started) / 1000.0);
    }
    seconds_left += step_s;
    prediction.basis[std::string(to_string(step))] = std::string(estimate.basis());
  }
  prediction.ship_at_unix_ms = now_unix_ms + static_cast<std::int64_t>(std::llround(seconds_left * 1000.0));
  return prediction;
}

ShipByChange ship_by_change(const OrderRecord& order, std::int64_t predicted_ship_at_unix_ms) {
  if (order.final() || !order.pick_list.ship_by_unix_ms) return ShipByChange::none;
  const bool late = predicted_ship_at_unix_ms > *order.pick_list.ship_by_unix_ms;
  if (late && !order.ship_by_at_risk) return ShipByChange::at_risk;
  if (!late && order.ship_by_at_risk) return ShipByChange::back_on_track;
  return ShipByChange::none;
}

}  // namespace wedge::station
