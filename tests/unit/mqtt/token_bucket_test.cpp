// Replay pacing: a burst, then the configured rate.
#include "daemon/mqtt/token_bucket.hpp"

#include <gtest/gtest.h>

namespace wedge::mqtt {
namespace {

TEST(TokenBucket, BurstThenRate) {
  TokenBucket bucket(100.0, 5.0);
  const auto t0 = TokenBucket::clock::now();
  int taken = 0;
  while (bucket.try_take(t0)) ++taken;
  EXPECT_EQ(taken, 5);
  EXPECT_GT(bucket.wait_time(t0).count(), 9000);   // one token per 10 ms
  EXPECT_LE(bucket.wait_time(t0).count(), 10001);
  EXPECT_FALSE(bucket.try_take(t0 + std::chrono::milliseconds(5)));
  EXPECT_TRUE(bucket.try_take(t0 + std::chrono::milliseconds(11)));
  // Never more than the burst, however long it waited.
  taken = 0;
  const auto later = t0 + std::chrono::seconds(60);
  while (bucket.try_take(later)) ++taken;
  EXPECT_EQ(taken, 5);
}

TEST(TokenBucket, DisabledAtZeroRate) {
  TokenBucket bucket(0.0, 10.0);
  EXPECT_FALSE(bucket.enabled());
  EXPECT_TRUE(TokenBucket(1.0, 1.0).enabled());
}

}  // namespace
}  // namespace wedge::mqtt
