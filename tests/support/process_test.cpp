// Subprocess fails the running test when its child printed a sanitizer report: a daemon that a test
// starts and stops is checked by ASan/UBSan in a WEDGE_SANITIZE build even when the test looks at
// nothing but its log.
#include <sys/wait.h>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <chrono>

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

}  // namespace
}  // namespace wedge::test
