// The publish latency histogram: Prometheus `le` bucket edges, cumulative counts, sum and count.
#include "daemon/mqtt/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace wedge::mqtt {
namespace {

// The cumulative count of the bucket with upper bound `le`.
std::uint64_t at(const LatencyHistogram& h, double le) {
  for (const auto& [bound, count] : h.cumulative()) {
    if (bound == le) return count;
  }
  ADD_FAILURE() << "no bucket le=" << le;
  return 0;
}

TEST(LatencyHistogram, BoundsAreThePrometheusLatencySeries) {
  const LatencyHistogram h;
  std::vector<double> bounds;
  for (const auto& [bound, count] : h.cumulative()) {
    bounds.push_back(bound);
    EXPECT_EQ(count, 0u);
  }
  EXPECT_EQ(bounds, (std::vector<double>{0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}));
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.sum_seconds(), 0.0);
}

TEST(LatencyHistogram, AValueOnABoundCountsInThatBucket) {
  LatencyHistogram h;
  h.observe(0.005);
  EXPECT_EQ(at(h, 0.002), 0u);
  EXPECT_EQ(at(h, 0.005), 1u);
  EXPECT_EQ(at(h, 10), 1u);
  h.observe(0.0050001);
  EXPECT_EQ(at(h, 0.005), 1u);
  EXPECT_EQ(at(h, 0.01), 2u);
}

TEST(LatencyHistogram, CountsAreCumulativeAndEndInCount) {
  LatencyHistogram h;
  for (const double v : {0.0004, 0.0015, 0.003, 0.003, 0.04, 0.3, 0.9, 7.0, 11.0, 3600.0}) h.observe(v);
  EXPECT_EQ(at(h, 0.001), 1u);
  EXPECT_EQ(at(h, 0.002), 2u);
  EXPECT_EQ(at(h, 0.005), 4u);
  EXPECT_EQ(at(h, 0.01), 4u);
  EXPECT_EQ(at(h, 0.05), 5u);
  EXPECT_EQ(at(h, 0.25), 5u);
  EXPECT_EQ(at(h, 0.5), 6u);
  EXPECT_EQ(at(h, 1), 7u);
  EXPECT_EQ(at(h, 5), 7u);
  EXPECT_EQ(at(h, 10), 8u);
  // An hour in the outbox (replayed after an outage) lands above every bound: only in +Inf.
  EXPECT_EQ(h.count(), 10u);
  EXPECT_NEAR(h.sum_seconds(), 0.0004 + 0.0015 + 0.006 + 0.04 + 0.3 + 0.9 + 7.0 + 11.0 + 3600.0, 1e-9);
  std::uint64_t previous = 0;
  for (const auto& [bound, count] : h.cumulative()) {
    EXPECT_GE(count, previous) << "le=" << bound;
    previous = count;
  }
}

TEST(LatencyHistogram, ClockSteppedBackCountsAsZero) {
  LatencyHistogram h;
  h.observe(-2.5);
  h.observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(at(h, 0.001), 2u);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.sum_seconds(), 0.0);
}

TEST(LatencyHistogram, InfinityCountsButDoesNotPoisonTheSum) {
  LatencyHistogram h;
  h.observe(0.5);
  h.observe(std::numeric_limits<double>::infinity());
  EXPECT_EQ(at(h, 10), 1u);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_DOUBLE_EQ(h.sum_seconds(), 0.5);
}

}  // namespace
}  // namespace wedge::mqtt
