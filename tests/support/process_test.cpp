// Subprocess fails the running test when its child printed a sanitizer report: a daemon that a test
// starts and stops is checked by ASan/UBSan in a WEDGE_SANITIZE build even when the test looks at
// nothing but its log.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/peer_start.hpp"
#include "tests/support/process.hpp"

namespace wedge::test {
namespace {

using namespace std::chrono_literals;

void run_child(const TempDir& dir, const char* script) {
  Subprocess child({"sh", "-c", script}, dir.file("child.log"));
  child.wait(10s);
}

TEST(Subprocess, ChildWithAsanReportFailsTheTest) {
  TempDir dir;
  EXPECT_NONFATAL_FAILURE(
      run_child(dir, "echo '==42==ERROR: AddressSanitizer: heap-use-after-free on address 0x1' >&2; exit 1"),
      "heap-use-after-free");
}

TEST(Subprocess, ChildWithLeakReportFailsTheTestEvenWithExitStatusZero) {
  TempDir dir;
  EXPECT_NONFATAL_FAILURE(run_child(dir, "echo started; echo '==7==ERROR: LeakSanitizer: detected memory leaks' >&2"),
                          "detected memory leaks");
}

TEST(Subprocess, ChildWithUbsanReportFailsTheTest) {
  TempDir dir;
  EXPECT_NONFATAL_FAILURE(
      run_child(dir, "echo 'daemon/x.cpp:10:5: runtime error: signed integer overflow' >&2; exit 1"),
      "signed integer overflow");
}

TEST(Subprocess, ChildThatOnlyLogsPassesAndItsStatusIsKept) {
  TempDir dir;
  Subprocess child({"sh", "-c", "echo 'an error: nothing to see'; exit 3"}, dir.file("child.log"));
  const int status = child.wait(10s);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

// A peer that becomes ready is waited for; the wait does not give up at the 10 s that a peer's
// start-up under a loaded machine overran (zpl-printer-sim), only at the timeout.
TEST(WaitUntilStarted, TrueOnceThePeerIsReady) {
  TempDir dir;
  const std::string flag = dir.file("ready");
  Subprocess peer({"sh", "-c", "touch '" + flag + "'; exec sleep 30"}, dir.file("peer.log"));
  EXPECT_TRUE(wait_until_started(peer, [&] { return ::access(flag.c_str(), F_OK) == 0; }));
}

// A peer that dies during start-up fails the wait at once, not after the timeout.
TEST(WaitUntilStarted, FalseAtOnceWhenThePeerEnds) {
  TempDir dir;
  Subprocess peer({"sh", "-c", "exit 2"}, dir.file("peer.log"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_until_started(peer, [] { return false; }, 600s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 300s);
}

}  // namespace
}  // namespace wedge::test
