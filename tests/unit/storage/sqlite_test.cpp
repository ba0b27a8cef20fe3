// storage::Connection, Statement and Transaction against real SQLite files: the open options reach
// the file, binds and columns round-trip their types, a transaction rolls back unless committed,
// and the failures a store meets in the field (a full disk, another connection's lock, a file that
// cannot be opened) come back as a Status with SQLite's code — never as an exception.
#include "daemon/storage/sqlite.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "tests/support/process.hpp"

namespace wedge::storage {
namespace {

using std::chrono::milliseconds;

Connection::Options options_for(const std::string& path) {
  Connection::Options options;
  options.path = path;
  options.synchronous = "FULL";
  options.setup.emplace_back("CREATE TABLE IF NOT EXISTS t(k INTEGER PRIMARY KEY, v TEXT)");
  return options;
}

std::int64_t count_rows(Connection& db) {
  std::int64_t rows = -1;
  EXPECT_TRUE(db.query_int("SELECT COUNT(*) FROM t", rows));
  return rows;
}

TEST(StorageSqlite, OpenAppliesThePragmasAndTheSetup) {
  test::TempDir dir;
  Connection db;
  auto options = options_for(dir.file("a.db"));
  options.busy_timeout = milliseconds(1234);
  ASSERT_TRUE(db.open(options));
  Statement mode;
  ASSERT_TRUE(db.prepare("PRAGMA journal_mode", mode));
  ASSERT_TRUE(mode.step().row());
  EXPECT_EQ(mode.column_text(0), "wal");
  std::int64_t value = 0;
  ASSERT_TRUE(db.query_int("PRAGMA synchronous", value));
  EXPECT_EQ(value, 2);  // FULL
  ASSERT_TRUE(db.query_int("PRAGMA busy_timeout", value));
  EXPECT_EQ(value, 1234);
  EXPECT_EQ(count_rows(db), 0);  // the setup created the table
}

TEST(StorageSqlite, WalRequiredRefusesAFileThatCannotBeWal) {
  Connection db;
  Connection::Options options;
  options.path = ":memory:";
  options.journal = Connection::Journal::wal_required;
  const auto status = db.open(options);
  EXPECT_EQ(status.code, SQLITE_CANTOPEN);
  EXPECT_NE(status.message.find("journal_mode=WAL refused"), std::string::npos) << status.message;
  EXPECT_FALSE(db.is_open());
  options.journal = Connection::Journal::wal;  // asked, not required: the memory journal will do
  EXPECT_TRUE(db.open(options));
}

TEST(StorageSqlite, BindsAndColumnsKeepTheirTypes) {
  test::TempDir dir;
  Connection db;
  auto options = options_for(dir.file("a.db"));
  options.setup.emplace_back("CREATE TABLE r(i INTEGER, s TEXT, b BLOB, n TEXT)");
  ASSERT_TRUE(db.open(options));
  const std::string blob("a\0b", 3);
  ASSERT_TRUE(db.statement("INSERT INTO r VALUES(?1, ?2, ?3, ?4)")
                  .bind(1, std::int64_t{1} << 40)
                  .bind(2, std::string_view{})
                  .bind_blob(3, blob)
                  .bind_null(4)
                  .step());
  auto select = db.statement("SELECT i, s, b, n, typeof(s) FROM r");
  ASSERT_TRUE(select.step().row());
  EXPECT_EQ(select.column_int(0), std::int64_t{1} << 40);
  EXPECT_EQ(select.column_text(1), "");
  EXPECT_EQ(select.column_text(4), "text") << "an empty view binds '', not NULL";
  EXPECT_EQ(select.column_text(2), blob);
  EXPECT_TRUE(select.column_is_null(3));
  EXPECT_FALSE(select.column_is_null(1));
  EXPECT_EQ(select.step().code, SQLITE_DONE);
}

TEST(StorageSqlite, ATransactionRollsBackUnlessCommitted) {
  test::TempDir dir;
  Connection db;
  ASSERT_TRUE(db.open(options_for(dir.file("a.db"))));
  {
    Transaction transaction(db);
    ASSERT_TRUE(transaction.begin());
    ASSERT_TRUE(db.exec("INSERT INTO t(v) VALUES('dropped')"));
    EXPECT_TRUE(db.in_transaction());
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(count_rows(db), 0);
  Transaction transaction(db);
  ASSERT_TRUE(transaction.begin(Transaction::Mode::immediate));
  ASSERT_TRUE(db.exec("INSERT INTO t(v) VALUES('kept')"));
  ASSERT_TRUE(transaction.commit());
  EXPECT_EQ(count_rows(db), 1);
  EXPECT_EQ(transaction.commit().code, SQLITE_MISUSE) << "nothing left to commit";
}

TEST(StorageSqlite, AFullDiskIsAStatusAndTheConnectionStaysUsable) {
  test::TempDir dir;
  Connection db;
  auto options = options_for(dir.file("a.db"));
  options.setup.emplace_back("PRAGMA max_page_count=8");  // SQLITE_FULL, as from a real full disk
  ASSERT_TRUE(db.open(options));
  auto insert = db.statement("INSERT INTO t(v) VALUES(?1)");
  const std::string row(2000, 'x');
  Status status;
  {
    Transaction transaction(db);
    ASSERT_TRUE(transaction.begin());
    for (int i = 0; i < 100 && status.ok(); ++i) EXPECT_NO_THROW(status = insert.bind(1, row).run());
  }
  EXPECT_EQ(status.code, SQLITE_FULL);
  EXPECT_FALSE(status.busy());
  EXPECT_EQ(code_name(status.code), "SQLITE_FULL");
  EXPECT_NE(status.message.find("full"), std::string::npos) << status.message;
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(count_rows(db), 0) << "all or nothing";
  ASSERT_TRUE(db.exec("PRAGMA max_page_count=1000"));
  EXPECT_TRUE(insert.bind(1, row).run());
  EXPECT_EQ(count_rows(db), 1);
}

TEST(StorageSqlite, AnotherConnectionsLockIsABusyStatus) {
  test::TempDir dir;
  Connection holder;
  ASSERT_TRUE(holder.open(options_for(dir.file("a.db"))));
  Transaction held(holder);
  ASSERT_TRUE(held.begin(Transaction::Mode::immediate));

  Connection db;
  auto options = options_for(dir.file("a.db"));
  options.busy_timeout = milliseconds(0);  // explicit: fail at once instead of waiting
  ASSERT_TRUE(db.open(options));
  Transaction transaction(db);
  Status status;
  EXPECT_NO_THROW(status = transaction.begin(Transaction::Mode::immediate));
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(status.busy()) << code_name(status.code) << ": " << status.message;
  status = db.exec("INSERT INTO t(v) VALUES('x')");
  EXPECT_TRUE(status.busy()) << code_name(status.code) << ": " << status.message;
  EXPECT_EQ(count_rows(db), 0) << "WAL readers are not blocked by the writer";

  ASSERT_TRUE(held.commit());
  EXPECT_TRUE(transaction.begin(Transaction::Mode::immediate));
  EXPECT_TRUE(transaction.commit());
}

TEST(StorageSqlite, AFileThatCannotBeOpenedIsAStatusOrAStartUpError) {
  Connection db;
  const auto status = db.open(options_for("/nonexistent-dir/x/a.db"));
  EXPECT_EQ(status.code & 0xff, SQLITE_CANTOPEN);
  EXPECT_NE(status.message.find("/nonexistent-dir/x/a.db"), std::string::npos) << status.message;
  EXPECT_FALSE(db.is_open());
  try {
    (void)open_or_throw(options_for("/nonexistent-dir/x/a.db"));
    ADD_FAILURE() << "open_or_throw returned";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("open /nonexistent-dir/x/a.db: "), std::string::npos) << e.what();
  }
}

TEST(StorageSqlite, BadSqlIsAStatusFromPrepareAndAThrowFromStatement) {
  test::TempDir dir;
  Connection db;
  ASSERT_TRUE(db.open(options_for(dir.file("a.db"))));
  Statement statement;
  const auto status = db.prepare("SELEKT 1", statement);
  EXPECT_EQ(status.code, SQLITE_ERROR);
  EXPECT_FALSE(statement.valid());
  EXPECT_THROW((void)db.statement("SELEKT 1"), std::logic_error);
}

}  // namespace
}  // namespace wedge::storage
