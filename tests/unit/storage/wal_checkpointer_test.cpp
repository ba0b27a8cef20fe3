// WalCheckpointer against real SQLite files: checkpoints happen off the committing thread and keep
// the WAL bounded, the backstop checkpoints inline when the thread cannot, detach restores SQLite's
// own, and a file that is not in WAL mode is refused.
#include "daemon/storage/wal_checkpointer.hpp"

#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace wedge::storage {
namespace {

constexpr int kPageBytes = 4096;

Connection open_wal(const std::string& path) {
  Connection db;
  EXPECT_TRUE(db.open(path, true, ""));
  EXPECT_TRUE(db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                      "CREATE TABLE IF NOT EXISTS t(k INTEGER PRIMARY KEY, v BLOB)"));
  return db;
}

// One commit that adds one page to the WAL (the small table's only leaf page).
void write_page(Connection& db, int key) {
  Statement insert;
  ASSERT_TRUE(db.prepare("INSERT OR REPLACE INTO t(k, v) VALUES(?, zeroblob(100))", insert));
  insert.bind(1, key);
  ASSERT_TRUE(insert.step());
}

std::uintmax_t wal_bytes(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path + "-wal", ec);
  return ec ? 0 : size;
}

TEST(WalCheckpointer, KeepsTheWalBoundedFromItsOwnThread) {
  test::TempDir dir;
  const auto path = dir.file("a.db");
  auto db = open_wal(path);
  WalCheckpointer checkpointer({path, "", "test", 50, 100000});
  ASSERT_TRUE(checkpointer.attach(db));
  // Seven bursts of 60 one-page commits, each past the thread's threshold. After each, the thread
  // checkpoints everything (waited for: on a busy machine it may not run during the burst); the
  // next burst then starts the WAL over instead of growing it to 420 pages.
  for (int burst = 0; burst < 7; ++burst) {
    for (int i = 0; i < 60; ++i) write_page(db, i % 5);
    ASSERT_TRUE(test::wait_until([&] { return checkpointer.caught_up(); }));
  }
  // The backstop (100000 frames) never ran: the thread did every checkpoint.
  EXPECT_GT(checkpointer.checkpoints(), 0);
  EXPECT_EQ(checkpointer.inline_checkpoints(), 0);
  EXPECT_LT(wal_bytes(path), 300u * (kPageBytes + 24)) << "WAL " << wal_bytes(path) << " bytes";
  checkpointer.stop();
}

TEST(WalCheckpointer, BackstopCheckpointsInlineWhenTheThreadIsNotEnough) {
  test::TempDir dir;
  const auto path = dir.file("b.db");
  auto db = open_wal(path);
  // The thread's threshold is out of reach; the inline backstop at 30 frames must do the work.
  WalCheckpointer checkpointer({path, "", "test", 1'000'000, 30});
  ASSERT_TRUE(checkpointer.attach(db));
  for (int i = 0; i < 500; ++i) write_page(db, i % 5);
  EXPECT_GT(checkpointer.inline_checkpoints(), 0);
  EXPECT_LT(wal_bytes(path), 200u * (kPageBytes + 24)) << "WAL " << wal_bytes(path) << " bytes";
}

TEST(WalCheckpointer, DetachRestoresSqlitesAutomaticCheckpoints) {
  test::TempDir dir;
  const auto path = dir.file("c.db");
  auto db = open_wal(path);
  WalCheckpointer checkpointer({path, "", "test", 1'000'000, 1'000'000});
  ASSERT_TRUE(checkpointer.attach(db));
  checkpointer.detach();
  checkpointer.stop();
  // SQLite's own checkpoint (1000 pages) runs in the commits again: 3000 commits stay bounded.
  for (int i = 0; i < 3000; ++i) write_page(db, i % 5);
  EXPECT_LT(wal_bytes(path), 1100u * (kPageBytes + 24)) << "WAL " << wal_bytes(path) << " bytes";
  EXPECT_EQ(checkpointer.checkpoints(), 0);
}

TEST(WalCheckpointer, RefusesAFileNotInWalMode) {
  test::TempDir dir;
  const auto path = dir.file("d.db");
  Connection db;
  ASSERT_TRUE(db.open(path, true, ""));
  ASSERT_TRUE(db.exec("CREATE TABLE t(k INTEGER PRIMARY KEY)"));
  WalCheckpointer checkpointer({path, "", "test", 10, 100});
  const auto status = checkpointer.attach(db);
  EXPECT_FALSE(status);
  EXPECT_NE(status.message.find("not in WAL mode"), std::string::npos) << status.message;
}

}  // namespace
}  // namespace wedge::storage
