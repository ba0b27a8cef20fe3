#include "drivers/scale/scale.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace wedge::drivers::scale {

std::string_view to_string(WeightStatus status) noexcept {
  switch (status) {
    case WeightStatus::ok: return "ok";
    case WeightStatus::overload: return "overload";
    case WeightStatus::underload: return "underload";
    case WeightStatus::error: return "error";
  }
  return "unknown";
}

std::string_view to_string(ScaleError error) noexcept {
  switch (error) {
    case ScaleError::timeout: return "timeout";
    case ScaleError::fault: return "fault";
    case ScaleError::rejected: return "rejected";
    case ScaleError::not_supported: return "not_supported";
    case ScaleError::busy: return "busy";
  }
  return "unknown";
}

Scale::Scale(boost::asio::any_io_executor loop, std::string id, StabilityConfig stability)
    : Device(std::move(id)), loop_(std::move(loop)), detector_(stability) {}

Scale::~Scale() { *alive_ = false; }

void Scale::async_next_stable(std::chrono::milliseconds within, StableHandler handler) {
  if (health().state == HealthState::faulted) {
    StableResult result = core::fail(ScaleError::fault, health().reason);
    // Never call a handler from inside the initiating call: the caller may not be ready for it.
    boost::asio::post(loop_, [alive = std::weak_ptr<bool>(alive_), handler = std::move(handler),
                              result = std::move(result)] {
      if (alive.lock()) handler(result);
    });
    return;
  }
  Waiter waiter;
  waiter.id = next_waiter_id_++;
  waiter.handler = std::move(handler);
  waiter.within = within;
  waiter.timer = std::make_unique<boost::asio::steady_timer>(loop_, within);
  waiter.timer->async_wait(
      [this, alive = std::weak_ptr<bool>(alive_), id = waiter.id](boost::system::error_code ec) {
        if (ec || !alive.lock()) return;
        on_waiter_timeout(id);
      });
  waiters_.push_back(std::move(waiter));
}

std::string Scale::timeout_reason(std::chrono::milliseconds within) const {
  std::string reason = fmt::format("no stable weight within {} ms", within.count());
  if (!last_reading_) return reason + " (no reading received)";
  const auto& last = *last_reading_;
  if (last.status != WeightStatus::ok)
    return fmt::format("{} (last reading: {}: {})", reason, to_string(last.status), last.reason);
  return fmt::format("{} (last reading {:.3f} g, not stable)", reason, last.grams);
}

void Scale::on_waiter_timeout(std::uint64_t id) {
  for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
    if (it->id != id) continue;
    auto handler = std::move(it->handler);
    StableResult result = core::fail(ScaleError::timeout, timeout_reason(it->within));
    waiters_.erase(it);
    handler(result);
    return;
  }
}

void Scale::publish(Reading reading, bool device_reports_stability) {
  if (reading.status != WeightStatus::ok) {
    reading.stable = false;
    detector_.reset();
  } else if (!device_reports_stability) {
    reading.stable = detector_.add(reading.at, reading.grams);
  }
  last_reading_ = reading;
  if (reading_handler_) reading_handler_(reading);
  if (!reading.stable || reading.status != WeightStatus::ok || waiters_.empty()) return;
  // Handlers may start new waits; those must wait for a later reading, so work on a snapshot.
  std::list<Waiter> ready;
  ready.swap(waiters_);
  const StableResult result = reading;
  for (auto& waiter : ready) {
    waiter.timer->cancel();
    waiter.handler(result);
  }
}

void Scale::report_fault(std::string reason) {
  if (health().state != HealthState::faulted || health().reason != reason)
    spdlog::warn("device={} scale fault: {}", id(), reason);
  detector_.reset();
  set_health(HealthState::faulted, reason);
  std::list<Waiter> failed;
  failed.swap(waiters_);
  const StableResult result = core::fail(ScaleError::fault, reason);
  for (auto& waiter : failed) {
    waiter.timer->cancel();
    waiter.handler(result);
  }
}

void Scale::drop_waiters() {
  for (auto& waiter : waiters_) waiter.timer->cancel();
  waiters_.clear();
}

}  // namespace wedge::drivers::scale
