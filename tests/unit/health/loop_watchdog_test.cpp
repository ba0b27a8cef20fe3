// The loop watchdog: a loop that stops running is seen from the watchdog thread (on_stall with the
// reason, once per stall) while nothing on the loop can run, and silent_for() tells the /healthz
// "loop" check how long the loop was away.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "daemon/health/loop_watchdog.hpp"
#include "tests/support/process.hpp"

namespace {

using namespace std::chrono_literals;
using wedge::health::LoopWatchdog;
using wedge::test::wait_until;

TEST(LoopWatchdog, AStuckLoopIsReportedFromTheWatchdogThreadOncePerStall) {
  boost::asio::io_context io;
  std::mutex mutex;
  std::vector<std::string> stalls;
  LoopWatchdog::Options options;
  options.heartbeat = 20ms;
  options.stall_after = 200ms;
  options.on_stall = [&](const std::string& reason) {
    const std::lock_guard lock(mutex);
    stalls.push_back(reason);
  };
  auto stall_count = [&] {
    const std::lock_guard lock(mutex);
    return stalls.size();
  };
  LoopWatchdog watchdog(io.get_executor(), options);
  std::promise<void> release;
  std::atomic<bool> blocked{false};
  std::atomic<bool> done{false};
  boost::asio::post(io, [&] { watchdog.start(); });
  std::thread loop([&] { io.run(); });

  // A healthy loop ticks: no stall, and it is never silent for long.
  ASSERT_TRUE(wait_until([&] { return watchdog.silent_for() > 0ms; }, 5s));
  ASSERT_TRUE(wait_until([&] { return watchdog.silent_for() < 100ms; }, 5s));
  EXPECT_EQ(stall_count(), 0u);

  // A handler that never returns: the loop is stuck until the test releases it.
  boost::asio::post(io, [&, released = release.get_future().share()] {
    blocked = true;
    released.wait();
  });
  ASSERT_TRUE(wait_until([&] { return stall_count() == 1; }, 10s));
  {
    const std::lock_guard lock(mutex);
    EXPECT_EQ(stalls[0].rfind("event loop did not run for ", 0), 0u) << stalls[0];
    EXPECT_NE(stalls[0].find("(limit 0.2 s)"), std::string::npos) << stalls[0];
  }
  EXPECT_TRUE(blocked);
  EXPECT_GT(watchdog.silent_for(), 200ms);

  release.set_value();
  ASSERT_TRUE(wait_until([&] { return watchdog.silent_for() < 100ms; }, 5s));
  EXPECT_EQ(stall_count(), 1u);  // one stall, one report

  boost::asio::post(io, [&] {
    watchdog.stop();
    done = true;
  });
  loop.join();  // the heartbeat is cancelled: run() returns
  EXPECT_TRUE(done);
}

}  // namespace
