// libwedge-slow-fsync.so (tools/scan-bench/slow_fsync.cpp), the fsync delay behind
// `scripts/bench scan --slow-disk MS`: preloaded into a real program that syncs a real file
// (coreutils `sync --data FILE`: one fdatasync), both modes make the sync take at least MS, the
// sync still succeeds, and without the shim nothing is slowed. Only lower bounds are checked: a
// loaded machine makes a sync slower, never faster.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct SyncRun {
  int status = -1;
  double ms = 0;
};

// `sync --data file` under the given environment assignments; how long it took, and its status.
SyncRun timed_sync(const std::string& env, const fs::path& file) {
  const std::string command = "env " + env + " sync --data '" + file.string() + "'";
  const auto start = Clock::now();
  const int status = std::system(command.c_str());
  return {status, std::chrono::duration<double, std::milli>(Clock::now() - start).count()};
}

class SlowFsync : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wedge-slow-fsync-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    file_ = dir_ / "data";
    std::ofstream(file_) << "a line to sync\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string preload(const std::string& ms, const std::string& mode) const {
    return std::string("LD_PRELOAD='") + WEDGE_SLOW_FSYNC_SO + "' WEDGE_SLOW_FSYNC_MS=" + ms +
           (mode.empty() ? "" : " WEDGE_SLOW_FSYNC_MODE=" + mode);
  }

  fs::path dir_;
  fs::path file_;
};

TEST_F(SlowFsync, AddModeDelaysEverySyncByAtLeastTheDelay) {
  const SyncRun run = timed_sync(preload("150", ""), file_);
  EXPECT_EQ(run.status, 0);
  EXPECT_GE(run.ms, 150.0);
}

TEST_F(SlowFsync, TotalModeMakesEverySyncTakeAtLeastTheDelay) {
  const SyncRun run = timed_sync(preload("150", "total"), file_);
  EXPECT_EQ(run.status, 0);
  EXPECT_GE(run.ms, 150.0);
}

TEST_F(SlowFsync, NoDelaySetLeavesTheSyncAlone) {
  // The shim preloaded with no delay, and the same program without it, both succeed: the shim
  // finds and calls the real fdatasync.
  EXPECT_EQ(timed_sync(std::string("LD_PRELOAD='") + WEDGE_SLOW_FSYNC_SO + "'", file_).status, 0);
  EXPECT_EQ(timed_sync("WEDGE_SLOW_FSYNC_MS=150", file_).status, 0);
}

TEST_F(SlowFsync, AFailedSyncStillFailsUnderTheShim) {
  // sync cannot open a missing file: the shim must not turn that into success.
  EXPECT_NE(timed_sync(preload("1", "total"), dir_ / "missing").status, 0);
}

}  // namespace
