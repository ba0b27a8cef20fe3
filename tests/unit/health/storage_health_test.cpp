// StorageHealth: a store whose writes hit a full disk (SQLite's max_page_count, the same
// SQLITE_FULL as a real one) is reported failed with SQLite's reason from the first failed write,
// for each SQLite wrapper the stores use, and clears when a write commits again.
#include <gtest/gtest.h>

#include <string>

#include "daemon/core/storage_health.hpp"
#include "daemon/storage/sqlite.hpp"
#include "daemon/print/print_db.hpp"
#include "tests/support/process.hpp"

namespace {

using wedge::core::StorageHealth;
using wedge::test::TempDir;

const wedge::core::StorageFailure* failure_of(const std::string& store) {
  static std::vector<wedge::core::StorageFailure> failures;
  failures = StorageHealth::instance().failures();
  for (const auto& f : failures)
    if (f.store == store) return &f;
  return nullptr;
}

const std::string kRow = std::string(2000, 'x');

TEST(StorageHealth, OutboxWrapperReportsAFullDiskAndItsRecovery) {
  TempDir dir;
  wedge::storage::Connection db;
  ASSERT_TRUE(db.open(dir.file("stations.db"), true, ""));
  ASSERT_TRUE(db.exec("CREATE TABLE t(v TEXT)"));
  ASSERT_TRUE(db.exec("PRAGMA max_page_count=8"));
  wedge::storage::Statement insert;
  ASSERT_TRUE(db.prepare("INSERT INTO t VALUES(?)", insert));
  EXPECT_EQ(failure_of("stations.db"), nullptr);

  bool full = false;
  for (int i = 0; i < 100 && !full; ++i) {
    insert.bind(1, kRow);
    full = !insert.step();
    insert.reset();
  }
  ASSERT_TRUE(full);
  const auto* failed = failure_of("stations.db");
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->reason, "database or disk is full");
  EXPECT_GT(failed->since_unix_ms, 0);
  const auto since = failed->since_unix_ms;

  // Another failed write keeps the start of the failure.
  insert.bind(1, kRow);
  EXPECT_FALSE(insert.step());
  insert.reset();
  ASSERT_NE(failure_of("stations.db"), nullptr);
  EXPECT_EQ(failure_of("stations.db")->since_unix_ms, since);

  // Room again (the disk was cleaned up): the next commit clears the failure.
  ASSERT_TRUE(db.exec("PRAGMA max_page_count=1000"));
  ASSERT_TRUE(db.exec("BEGIN"));
  insert.bind(1, kRow);
  ASSERT_TRUE(insert.step());
  insert.reset();
  EXPECT_NE(failure_of("stations.db"), nullptr) << "still inside the transaction";
  ASSERT_TRUE(db.exec("COMMIT"));
  EXPECT_EQ(failure_of("stations.db"), nullptr);
}

TEST(StorageHealth, PrintDbReportsAFullDiskAndItsRecovery) {
  TempDir dir;
  auto db = wedge::print::open_print_db(dir.file("print.db"), "CREATE TABLE IF NOT EXISTS t(v TEXT)");
  ASSERT_TRUE(db->exec("PRAGMA max_page_count=8"));
  bool full = false;
  for (int i = 0; i < 100 && !full; ++i) full = !db->statement("INSERT INTO t VALUES(?)").bind(1, kRow).step();
  ASSERT_TRUE(full);
  ASSERT_NE(failure_of("print.db"), nullptr);
  EXPECT_EQ(failure_of("print.db")->reason, "database or disk is full");
  ASSERT_TRUE(db->exec("PRAGMA max_page_count=1000"));
  ASSERT_TRUE(db->statement("INSERT INTO t VALUES(?)").bind(1, kRow).step());
  EXPECT_EQ(failure_of("print.db"), nullptr);
}

TEST(StorageHealth, OnlyStorageErrorsCount) {
  EXPECT_TRUE(wedge::core::is_storage_error(SQLITE_FULL));
  EXPECT_TRUE(wedge::core::is_storage_error(SQLITE_IOERR_FSYNC));
  EXPECT_TRUE(wedge::core::is_storage_error(SQLITE_READONLY_DBMOVED));
  EXPECT_FALSE(wedge::core::is_storage_error(SQLITE_BUSY));
  EXPECT_FALSE(wedge::core::is_storage_error(SQLITE_CONSTRAINT_UNIQUE));
}

}  // namespace
