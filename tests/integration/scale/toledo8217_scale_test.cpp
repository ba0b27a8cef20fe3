// The Mettler Toledo 8217 driver (driver "mt8217") against scripts/sim/mt8217-sim over a pty pair:
// stable weight, motion, over capacity and under zero, a scale that lies (garbage frames) and one
// that vanishes (no reply), and the zero/tare refusal.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "drivers/scale/factory.hpp"
#include "drivers/scale/schema.hpp"
#include "tests/support/scale_harness.hpp"
#include "tests/support/scale_sim.hpp"
#include "tests/support/scale_testing.hpp"

namespace wedge::drivers::scale {
namespace {

using std::chrono::milliseconds;

const std::string kSim = std::string(WEDGE_SOURCE_DIR) + "/scripts/sim/mt8217-sim";

class Toledo8217Test : public ::testing::Test, public test::ScaleHarness {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<test::SimProcess>(
        std::vector<std::string>{"python3", kSim, "--weight", "1234"});
    const auto pty = sim_->wait_for_line("PTY ");
    ASSERT_TRUE(pty.has_value()) << sim_->log();
    auto s = test::settings_with_defaults(mt8217_scale_schema());
    // The 8217 line is 7E1 (the schema's defaults), but a pty pair carries bytes, not line
    // framing, and some kernels refuse CS7/PARENB on a pty (EINVAL): the test runs it 8N1.
    EXPECT_EQ(s.get_int("data_bits"), 7);
    EXPECT_EQ(s.get_string("parity"), "even");
    s.set("data_bits", std::int64_t{8});
    s.set("parity", std::string("none"));
    s.set("path", *pty);
    s.set("poll_interval_ms", std::int64_t{40});
    s.set("response_timeout_ms", std::int64_t{400});
    s.set("reconnect_max_ms", std::int64_t{300});
    start_scale("mt8217", s, "scale-8217");
  }

  std::unique_ptr<test::SimProcess> sim_;
};

TEST_F(Toledo8217Test, StableWeightInGrams) {
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.stable && r.grams == 1234.0; }))
      << sim_->log();
  EXPECT_EQ(scale_->health().state, HealthState::connected);
  ASSERT_TRUE(sim_->command("net"));
  ASSERT_TRUE(sim_->command("weight 2500"));  // sent as "2.500N" (kg)
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.net && r.grams == 2500.0; }));
  EXPECT_FALSE(sim_->lines("RX W").empty());
}

TEST_F(Toledo8217Test, MotionIsUnstableAndTheWaiterGetsTheWeightAtRest) {
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.stable; }));
  ASSERT_TRUE(sim_->command("motion"));
  ASSERT_TRUE(
      wait_reading([](const Reading& r) { return !r.stable && r.status == WeightStatus::ok; }));
  std::optional<StableResult> result;
  scale_->async_next_stable(milliseconds(5000), [&](const StableResult& r) { result = r; });
  ASSERT_TRUE(sim_->command("weight 2000"));
  test::run_for(io_, milliseconds(100));
  EXPECT_FALSE(result.has_value());  // still moving
  ASSERT_TRUE(sim_->command("stable"));
  ASSERT_TRUE(test::run_until(io_, [&] { return result.has_value(); }));
  ASSERT_TRUE(result->has_value()) << result->reason();
  EXPECT_EQ(result->value().grams, 2000.0);
}

TEST_F(Toledo8217Test, OverCapacityAndUnderZero) {
  ASSERT_TRUE(sim_->command("over"));
  ASSERT_TRUE(wait_reading([](const Reading& r) {
    return r.status == WeightStatus::overload && r.reason == "over capacity" && !r.stable;
  }));
  ASSERT_TRUE(sim_->command("ok"));
  ASSERT_TRUE(sim_->command("under"));
  ASSERT_TRUE(wait_reading([](const Reading& r) {
    return r.status == WeightStatus::underload && r.reason == "under zero";
  }));
}

TEST_F(Toledo8217Test, AScaleThatLiesIsFaultedUntilItTellsTheTruth) {
  ASSERT_TRUE(wait_health(HealthState::connected));
  ASSERT_TRUE(sim_->command("reply \\x0212x4\\r"));
  ASSERT_TRUE(wait_health(HealthState::faulted, "unreadable reply: bad weight '12x4'"))
      << sim_->log();
  ASSERT_TRUE(wait_health(HealthState::connected));  // the next honest reply
}

TEST_F(Toledo8217Test, AScaleThatVanishesIsFaultedAndFollowedWhenItReturns) {
  ASSERT_TRUE(wait_health(HealthState::connected));
  std::optional<StableResult> result;
  ASSERT_TRUE(sim_->command("mute"));
  scale_->async_next_stable(milliseconds(5000), [&](const StableResult& r) { result = r; });
  ASSERT_TRUE(wait_health(HealthState::faulted, "no reply to W within 400 ms"));
  ASSERT_TRUE(test::run_until(io_, [&] { return result.has_value(); }));
  EXPECT_EQ(result->error().code, ScaleError::fault);
  ASSERT_TRUE(sim_->command("unmute"));
  ASSERT_TRUE(wait_health(HealthState::connected)) << scale_->health().reason;
}

TEST_F(Toledo8217Test, ZeroAndTareAreNotSupported) {
  std::optional<CommandResult> result;
  scale_->async_zero([&](const CommandResult& r) { result = r; });
  ASSERT_TRUE(test::run_until(io_, [&] { return result.has_value(); }));
  EXPECT_EQ(result->error().code, ScaleError::not_supported);
}

}  // namespace
}  // namespace wedge::drivers::scale
