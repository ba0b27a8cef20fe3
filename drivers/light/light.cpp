#include "drivers/light/light.hpp"

#include <spdlog/spdlog.h>

namespace wedge::drivers::light {

Light::Light(boost::asio::any_io_executor loop, std::string id, LightPatterns patterns,
             int coil_count, std::string idle_pattern)
    : Device(std::move(id)),
      loop_(loop),
      patterns_(std::move(patterns)),
      coil_count_(coil_count),
      idle_(std::move(idle_pattern)),
      blink_timer_(loop),
      duration_timer_(loop) {
  if (idle_.empty()) idle_ = "off";
  if (patterns_.find(idle_) == nullptr) {
    spdlog::error("device={} idle_pattern '{}' is not a pattern; using all off", this->id(), idle_);
    idle_ = "off";
  }
}

Light::~Light() = default;

bool Light::signal(std::string_view name) {
  const auto* pattern = patterns_.find(name);
  if (pattern == nullptr) {
    spdlog::error("device={} unknown light pattern '{}'", id(), name);
    return false;
  }
  show(std::string(name), *pattern, true);
  return true;
}

void Light::show_idle() {
  if (const auto* pattern = patterns_.find(idle_)) show(idle_, *pattern, false);
}

void Light::stop_patterns() {
  ++generation_;
  blink_timer_.cancel();
  duration_timer_.cancel();
}

void Light::show(const std::string& name, const LightPattern& pattern, bool timed) {
  stop_patterns();
  // A timer that expired just before cancel() still runs its handler: the generation tells it
  // that its pattern has been replaced.
  const auto gen = ++generation_;
  current_ = name;
  current_pattern_ = pattern;
  lit_ = true;
  write_coils(coil_states(pattern, coil_count_, true));
  if (pattern.blink.count() > 0) {
    blink_timer_.expires_after(pattern.blink);
    blink_timer_.async_wait(
        [this, gen, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
          if (ec || !alive.lock() || gen != generation_) return;
          blink_tick();
        });
  }
  if (timed && pattern.duration.count() > 0) {
    duration_timer_.expires_after(pattern.duration);
    duration_timer_.async_wait(
        [this, gen, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
          if (ec || !alive.lock() || gen != generation_) return;
          show_idle();
        });
  }
}

void Light::blink_tick() {
  lit_ = !lit_;
  write_coils(coil_states(current_pattern_, coil_count_, lit_));
  blink_timer_.expires_after(current_pattern_.blink);
  blink_timer_.async_wait(
      [this, gen = generation_, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
        if (ec || !alive.lock() || gen != generation_) return;
        blink_tick();
      });
}

}  // namespace wedge::drivers::light
