// The last resort behind the shutdown bound: a stuck step ends the process at the deadline, with
// the step named in the log; a stop that finishes in time leaves the process alone.
#include "daemon/core/shutdown_watchdog.hpp"

#include "daemon/core/log.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <future>
#include <thread>

namespace {

using namespace std::chrono_literals;
using wedge::core::ShutdownBudget;
using wedge::core::ShutdownWatchdog;

TEST(ShutdownBudget, RemainingShrinksToZeroAndNeverBelow) {
  const ShutdownBudget spent(0ms);
  EXPECT_EQ(spent.remaining(), 0ms);
  const ShutdownBudget ample(60s);
  EXPECT_GT(ample.remaining(), 59s);
  EXPECT_LE(ample.remaining(), 60s);
}

TEST(ShutdownWatchdogDeathTest, AStepStuckPastTheDeadlineEndsTheProcessNamingTheStep) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        wedge::core::init_logging();  // to stderr, as in the daemon
        ShutdownWatchdog watchdog(ShutdownBudget(100ms).deadline());
        watchdog.step("mqtt link");
        // A step that never returns, as a driver stuck in a device call would be.
        std::promise<void> never;
        never.get_future().wait();
      },
      testing::ExitedWithCode(0), "shutdown bound passed after [0-9]+ ms, still in step 'mqtt link'");
}

TEST(ShutdownWatchdogDeathTest, ADisarmedWatchdogLetsTheDeadlinePass) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // Exit code 3 can only come from the body: a watchdog that fired would have exited with 0 first.
  EXPECT_EXIT(
      {
        // A second, not less: on a loaded 2-core machine the thread can lose the CPU for tens of ms
        // between the start and disarm(), and a watchdog that fires first is not what this tests.
        const ShutdownBudget budget(1s);
        ShutdownWatchdog watchdog(budget.deadline());
        watchdog.step("outbox");
        watchdog.disarm();
        // Not a synchronisation: the point is the time after the deadline, in which nothing happens.
        std::this_thread::sleep_until(budget.deadline() + 300ms);
        std::exit(3);
      },
      testing::ExitedWithCode(3), "");
}

}  // namespace
