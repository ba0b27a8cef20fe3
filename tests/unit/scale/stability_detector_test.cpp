#include "drivers/scale/stability_detector.hpp"

#include <gtest/gtest.h>

namespace wedge::drivers::scale {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

StabilityConfig config(double tolerance, int window_ms, int readings) {
  return {tolerance, milliseconds(window_ms), readings};
}

TEST(StabilityDetector, SettlesAfterFullWindowWithinTolerance) {
  StabilityDetector detector(config(2.0, 500, 3));
  const auto t0 = Clock::now();
  EXPECT_FALSE(detector.add(t0, 1000.0));
  EXPECT_FALSE(detector.add(t0 + milliseconds(200), 1001.0));
  EXPECT_FALSE(detector.add(t0 + milliseconds(400), 999.5));
  EXPECT_TRUE(detector.add(t0 + milliseconds(500), 1000.5));
  EXPECT_TRUE(detector.add(t0 + milliseconds(700), 1001.0));
}

TEST(StabilityDetector, KeepsMovingNeverStable) {
  StabilityDetector detector(config(2.0, 300, 3));
  const auto t0 = Clock::now();
  for (int i = 0; i < 100; ++i)
    EXPECT_FALSE(detector.add(t0 + milliseconds(50 * i), 1000.0 + (i % 2 == 0 ? 5.0 : -5.0)));
}

TEST(StabilityDetector, JumpRestartsTheWindow) {
  StabilityDetector detector(config(1.0, 300, 3));
  const auto t0 = Clock::now();
  for (int i = 0; i <= 6; ++i) detector.add(t0 + milliseconds(100 * i), 500.0);
  EXPECT_TRUE(detector.add(t0 + milliseconds(700), 500.0));
  // The parcel is swapped: the new weight must hold a whole window before it counts.
  EXPECT_FALSE(detector.add(t0 + milliseconds(800), 1500.0));
  EXPECT_FALSE(detector.add(t0 + milliseconds(900), 1500.2));
  EXPECT_FALSE(detector.add(t0 + milliseconds(1000), 1500.1));
  EXPECT_TRUE(detector.add(t0 + milliseconds(1100), 1500.0));
}

TEST(StabilityDetector, NeedsMinimumReadings) {
  StabilityDetector detector(config(1.0, 100, 5));
  const auto t0 = Clock::now();
  EXPECT_FALSE(detector.add(t0, 10.0));
  EXPECT_FALSE(detector.add(t0 + milliseconds(150), 10.0));  // spans the window, 2 readings
  EXPECT_FALSE(detector.add(t0 + milliseconds(160), 10.0));
  EXPECT_FALSE(detector.add(t0 + milliseconds(170), 10.0));
  EXPECT_TRUE(detector.add(t0 + milliseconds(180), 10.0));   // the fifth reading
}

TEST(StabilityDetector, ResetForgetsHistory) {
  StabilityDetector detector(config(1.0, 100, 2));
  const auto t0 = Clock::now();
  detector.add(t0, 10.0);
  EXPECT_TRUE(detector.add(t0 + milliseconds(100), 10.0));
  detector.reset();
  EXPECT_FALSE(detector.add(t0 + milliseconds(110), 10.0));
}

TEST(StabilityDetector, TimeGoingBackwardsRestarts) {
  StabilityDetector detector(config(1.0, 100, 2));
  const auto t0 = Clock::now();
  detector.add(t0 + milliseconds(500), 10.0);
  EXPECT_FALSE(detector.add(t0, 10.0));
  EXPECT_TRUE(detector.add(t0 + milliseconds(100), 10.0));
}

TEST(StabilityDetector, ZeroWindowSingleReadingIsStable) {
  StabilityDetector detector(config(0.0, 0, 1));
  EXPECT_TRUE(detector.add(Clock::now(), 42.0));
}

}  // namespace
}  // namespace wedge::drivers::scale
