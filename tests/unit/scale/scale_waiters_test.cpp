// The Scale base class: readings fan-out, software stability, next-stable waiters, faults.
// A minimal concrete Scale lets the test push readings as a driver would.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <vector>

#include "drivers/scale/scale.hpp"
#include "tests/support/scale_testing.hpp"

namespace wedge::drivers::scale {
namespace {

using std::chrono::milliseconds;

class PushedScale : public Scale {
 public:
  PushedScale(boost::asio::any_io_executor loop, StabilityConfig stability)
      : Scale(std::move(loop), "scale-under-test", stability) {}
  void start() override { report_connected(); }
  void stop() override { drop_waiters(); }
  void async_zero(CommandHandler handler) override { handler({ScaleError::not_supported, "x"}); }
  void async_tare(CommandHandler handler) override { handler({ScaleError::not_supported, "x"}); }

  void push(double grams, bool stable, bool device, WeightStatus status = WeightStatus::ok,
            std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now()) {
    Reading reading;
    reading.grams = grams;
    reading.stable = stable;
    reading.status = status;
    reading.reason = status == WeightStatus::ok ? "" : "test status";
    reading.at = at;
    publish(reading, device);
  }
  void fault(std::string reason) { report_fault(std::move(reason)); }
};

struct Fixture : ::testing::Test {
  boost::asio::io_context io;
  PushedScale scale{io.get_executor(), StabilityConfig{1.0, milliseconds(100), 2}};
  std::vector<StableResult> results;
  Scale::StableHandler collect() {
    return [this](const StableResult& r) { results.push_back(r); };
  }
};

TEST_F(Fixture, DeviceStableReadingCompletesWaiter) {
  scale.start();
  std::vector<Reading> readings;
  scale.set_reading_handler([&](const Reading& r) { readings.push_back(r); });
  scale.async_next_stable(milliseconds(1000), collect());
  scale.push(10.0, false, true);
  EXPECT_TRUE(results.empty());
  scale.push(12.5, true, true);
  ASSERT_EQ(results.size(), 1U);
  EXPECT_TRUE(results[0].has_value());
  EXPECT_DOUBLE_EQ(results[0]->grams, 12.5);
  EXPECT_EQ(readings.size(), 2U);
  scale.push(12.5, true, true);
  EXPECT_EQ(results.size(), 1U);  // one result per call
}

TEST_F(Fixture, TimeoutNamesTheLastReading) {
  scale.start();
  scale.async_next_stable(milliseconds(50), collect());
  scale.push(7.0, false, true);
  ASSERT_TRUE(test::run_until(io, [&] { return !results.empty(); }, milliseconds(2000)));
  EXPECT_EQ(results[0].error().code, ScaleError::timeout);
  EXPECT_EQ(results[0].reason(), "no stable weight within 50 ms (last reading 7.000 g, not stable)");
}

TEST_F(Fixture, TimeoutWithOverloadSaysSo) {
  scale.start();
  scale.async_next_stable(milliseconds(20), collect());
  scale.push(7.0, true, true, WeightStatus::overload);
  ASSERT_TRUE(test::run_until(io, [&] { return !results.empty(); }, milliseconds(2000)));
  EXPECT_EQ(results[0].reason(),
            "no stable weight within 20 ms (last reading: overload: test status)");
}

TEST_F(Fixture, FaultFailsWaitersAtOnceAndLaterCallsToo) {
  scale.start();
  scale.async_next_stable(milliseconds(5000), collect());
  scale.fault("read holding register 0: Connection refused");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].error().code, ScaleError::fault);
  EXPECT_EQ(results[0].reason(), "read holding register 0: Connection refused");
  EXPECT_EQ(scale.health().state, HealthState::faulted);
  scale.async_next_stable(milliseconds(5000), collect());
  EXPECT_EQ(results.size(), 1U);  // never inside the call
  ASSERT_TRUE(test::run_until(io, [&] { return results.size() == 2; }, milliseconds(1000)));
  EXPECT_EQ(results[1].error().code, ScaleError::fault);
}

TEST_F(Fixture, SoftwareStabilityNeedsTheWindow) {
  scale.start();
  scale.async_next_stable(milliseconds(5000), collect());
  const auto t0 = std::chrono::steady_clock::now();
  scale.push(100.0, true, false, WeightStatus::ok, t0);  // device flag ignored in software mode
  scale.push(100.4, false, false, WeightStatus::ok, t0 + milliseconds(50));
  EXPECT_TRUE(results.empty());
  scale.push(100.2, false, false, WeightStatus::ok, t0 + milliseconds(100));
  ASSERT_EQ(results.size(), 1U);
  EXPECT_DOUBLE_EQ(results[0]->grams, 100.2);
  EXPECT_TRUE(results[0]->stable);
}

TEST_F(Fixture, NonOkReadingIsNeverStable) {
  scale.start();
  scale.async_next_stable(milliseconds(5000), collect());
  scale.push(1.0, true, true, WeightStatus::underload);
  EXPECT_TRUE(results.empty());
  ASSERT_TRUE(scale.last_reading().has_value());
  EXPECT_FALSE(scale.last_reading()->stable);
}

TEST_F(Fixture, HandlerStartingNewWaitGetsALaterReading) {
  scale.start();
  scale.async_next_stable(milliseconds(5000), [&](const StableResult& first) {
    results.push_back(first);
    scale.async_next_stable(milliseconds(5000), collect());
  });
  scale.push(5.0, true, true);
  EXPECT_EQ(results.size(), 1U);
  scale.push(6.0, true, true);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_DOUBLE_EQ(results[1]->grams, 6.0);
}

TEST_F(Fixture, StopDropsWaitersWithoutCalling) {
  scale.start();
  scale.async_next_stable(milliseconds(30), collect());
  scale.stop();
  test::run_for(io, milliseconds(100));
  EXPECT_TRUE(results.empty());
}

}  // namespace
}  // namespace wedge::drivers::scale
