// WEDGE_ASSERT_ON_LOOP as a debug build compiles it: the normal build (RelWithDebInfo) defines
// NDEBUG, which would leave nothing to test, so this file turns the assertion on for itself.
#undef NDEBUG
#include <cassert>

#include "daemon/core/loop_guard.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace {

using wedge::core::LoopGuard;

// A loop-only entry point, as the stations, the outbox and the HTTP server write them.
int loop_only(const LoopGuard& guard) {
  WEDGE_ASSERT_ON_LOOP(guard);
  return 1;
}

TEST(LoopGuard, TheConstructingThreadIsTheLoop) {
  const LoopGuard guard;
  EXPECT_TRUE(guard.on_loop());
  EXPECT_EQ(loop_only(guard), 1);
}

TEST(LoopGuard, AnotherThreadIsNotTheLoop) {
  const LoopGuard guard;
  bool on_loop = true;
  std::thread([&] { on_loop = guard.on_loop(); }).join();
  EXPECT_FALSE(on_loop);
}

TEST(LoopGuardDeathTest, ALoopOnlyCallFromAnotherThreadAbortsADebugBuild) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const LoopGuard guard;
  EXPECT_DEATH(std::thread([&] { (void)loop_only(guard); }).join(), "called off the loop thread");
}

}  // namespace
