#include "drivers/common/device.hpp"

namespace wedge::drivers {

std::string_view to_string(HealthState state) noexcept {
  switch (state) {
    case HealthState::connected: return "connected";
    case HealthState::disconnected: return "disconnected";
    case HealthState::faulted: return "faulted";
  }
  return "unknown";
}

void Device::set_health(HealthState state, std::string reason) {
  if (health_.state == state && health_.reason == reason) return;
  health_.state = state;
  health_.reason = std::move(reason);
  health_.since = std::chrono::steady_clock::now();
  if (health_handler_) health_handler_(health_);
}

void Device::set_warnings(std::vector<std::string> warnings) {
  if (health_.warnings == warnings) return;
  health_.warnings = std::move(warnings);
  if (health_handler_) health_handler_(health_);
}

}  // namespace wedge::drivers
