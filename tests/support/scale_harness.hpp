// ScaleHarness: a scale driver from the factory, run on the test's own io_context, with every
// reading and health change recorded, and the waits the scale tests share (a matching reading, a
// health state, the next stable weight, a zero or tare). Mixed into the gtest fixtures of the
// scale driver tests. Test main thread only; the driver is stopped when the harness dies.
#pragma once

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/scale/factory.hpp"
#include "tests/support/scale_testing.hpp"

namespace wedge::test {

class ScaleHarness {
 public:
  using Reading = drivers::scale::Reading;
  using StableResult = drivers::scale::StableResult;
  using CommandResult = drivers::scale::CommandResult;

  ~ScaleHarness() {
    if (scale_) scale_->stop();
  }

  // Makes driver `driver` with `settings`, records what it reports and starts it; fails the test
  // when the factory refuses.
  void start_scale(std::string_view driver, const drivers::Settings& settings, const std::string& id = "scale-1") {
    scale_ = drivers::scale::make_scale(io_.get_executor(), id, driver, settings);
    ASSERT_NE(scale_, nullptr);
    scale_->set_reading_handler([this](const Reading& r) { readings_.push_back(r); });
    scale_->set_health_handler([this](const drivers::Health& h) { health_log_.push_back(h); });
    scale_->start();
  }

  // True once a reading that arrives from now on matches.
  bool wait_reading(const std::function<bool(const Reading&)>& match,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto from = readings_.size();
    return run_until(io_, [&] {
      for (auto i = from; i < readings_.size(); ++i)
        if (match(readings_[i])) return true;
      return false;
    }, timeout);
  }

  // True once the health is `state` with a reason containing `reason_part`.
  bool wait_health(drivers::HealthState state, const std::string& reason_part = {}) {
    return run_until(io_, [&] {
      return scale_->health().state == state && scale_->health().reason.find(reason_part) != std::string::npos;
    });
  }

  // True once the health is `state` with exactly `reason` (any reason when it is empty).
  bool wait_health_exact(drivers::HealthState state, const std::string& reason = {}) {
    return run_until(io_, [&] {
      return scale_->health().state == state && (reason.empty() || scale_->health().reason == reason);
    });
  }

  // async_next_stable(within), run until it answers (or 3 s past `within`: nullopt).
  std::optional<StableResult> next_stable(std::chrono::milliseconds within) {
    std::optional<StableResult> result;
    scale_->async_next_stable(within, [&](const StableResult& r) { result = r; });
    run_until(io_, [&] { return result.has_value(); }, within + std::chrono::milliseconds(3000));
    return result;
  }

  // async_tare or async_zero, run until it answers.
  std::optional<CommandResult> run_command(bool tare) {
    std::optional<CommandResult> result;
    auto handler = [&](const CommandResult& r) { result = r; };
    if (tare)
      scale_->async_tare(handler);
    else
      scale_->async_zero(handler);
    run_until(io_, [&] { return result.has_value(); });
    return result;
  }

 protected:
  boost::asio::io_context io_;
  std::unique_ptr<drivers::scale::Scale> scale_;
  std::vector<Reading> readings_;
  std::vector<drivers::Health> health_log_;
};

}  // namespace wedge::test
