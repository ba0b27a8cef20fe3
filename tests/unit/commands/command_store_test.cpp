// The command journal: commands.db de-duplicates by command id across reopening and holds no order
// state (a commands.db of the version that kept an order table loses it on open); the journal
// stores a command only once the order checks allow it, one command at a time.
#include "daemon/commands/command_journal.hpp"
#include "daemon/commands/command_store.hpp"

#include "tests/support/process.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <set>

namespace wedge::commands {
namespace {

Command make(const std::string& type, const std::string& id, const std::string& order, std::string extra = "") {
  std::string payload = R"({"schema":1,"id":")" + id + R"(","type":")" + type + R"(","order_id":")" + order + "\"" +
                        extra + "}";
  auto parsed = parse_command(type, payload, 65536);
  EXPECT_TRUE(parsed) << parsed.error().reason;
  return *parsed;
}

Command pick_list(const std::string& id, const std::string& order) {
  return make("pick_list", id, order, R"(,"station":"st1","data":{"lines":[{"sku":"A","qty":1}]})");
}

// The names of the tables in `path`, read with plain SQLite.
std::vector<std::string> tables(const std::string& path) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &st, nullptr),
            SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST(CommandStore, ACommandIdIsKnownOnceStoredAndAfterReopen) {
  test::TempDir dir;
  {
    CommandStore store(dir.file("commands.db"));
    ASSERT_FALSE(*store.known("c1"));
    ASSERT_TRUE(store.store(pick_list("c1", "O-7"), 1));
    EXPECT_TRUE(*store.known("c1"));
  }
  CommandStore reopened(dir.file("commands.db"));
  EXPECT_TRUE(*reopened.known("c1"));
  EXPECT_FALSE(*reopened.known("c2"));
  EXPECT_EQ(reopened.command_count(), 1);
  EXPECT_FALSE(reopened.store(pick_list("c1", "O-7"), 2)) << "an id is stored once";
  EXPECT_EQ(tables(dir.file("commands.db")), std::vector<std::string>{"commands"}) << "no order state here";
}

// A commands.db written by the version whose journal checked order states itself: its order table
// goes on open, its commands stay (the duplicate check and the replay still need them).
TEST(CommandStore, TheOrderTableOfAnOlderCommandsDbIsDroppedOnOpen) {
  test::TempDir dir;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("commands.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, R"sql(
      CREATE TABLE commands(id TEXT PRIMARY KEY, type TEXT NOT NULL, order_id TEXT,
                            received_unix_ms INTEGER NOT NULL, payload TEXT NOT NULL);
      CREATE TABLE orders(order_id TEXT PRIMARY KEY, state TEXT NOT NULL, station TEXT NOT NULL,
                          pick_list TEXT NOT NULL, updated_unix_ms INTEGER NOT NULL, last_command_id TEXT NOT NULL);
      CREATE INDEX commands_received ON commands(received_unix_ms);
      CREATE INDEX orders_updated ON orders(updated_unix_ms);
      INSERT INTO commands VALUES('c-old', 'pick_list', 'O-1', 1, '{}');
      INSERT INTO orders VALUES('O-1', 'held', 'st1', '{}', 1, 'c-old');)sql",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_EQ(tables(dir.file("commands.db")), (std::vector<std::string>{"commands", "orders"}));
  CommandStore store(dir.file("commands.db"));
  EXPECT_EQ(tables(dir.file("commands.db")), std::vector<std::string>{"commands"});
  EXPECT_TRUE(*store.known("c-old"));
  EXPECT_EQ(store.command_count(), 1);
}

TEST(CommandStore, OpenFailureThrows) {
  EXPECT_THROW(CommandStore("/nonexistent-dir/x/commands.db"), std::runtime_error);
}

// The journal asks the order checks before it stores a command, one command at a time: each check
// sees every earlier command handed on, a refused command is not stored (the same id is checked
// again), a stored one is a duplicate from then on.
TEST(CommandJournal, StoresOnlyWhatTheOrderChecksAllowOneCommandAtATime) {
  test::TempDir dir;
  boost::asio::io_context io;
  CommandJournal journal(io.get_executor(), dir.file("commands.db"));
  std::set<std::string> orders;  // what the "stations" were handed, as the checks see it
  std::vector<std::string> checked;
  journal.set_order_checks([&](const Command& command) -> core::Status {
    checked.push_back(command.id);
    const bool known = orders.contains(command.order_id);
    if (command.type == CommandType::pick_list && known) return core::fail(core::Errc::already_exists, "exists");
    if (command.type != CommandType::pick_list && !known) return core::fail(core::Errc::not_found, "unknown");
    if (command.type == CommandType::order_release) return core::fail(core::Errc::failed_precondition, "not held");
    return {};
  });
  std::vector<Reply> replies;
  auto submit = [&](const Command& command) {
    journal.async_submit(IncomingCommand{std::string(to_string(command.type)), command.payload,
                                         command.payload.size(), false},
                         1 << 16, [&](const Reply& reply, std::optional<Command> accepted) {
                           replies.push_back(reply);
                           if (accepted) orders.insert(accepted->order_id);
                         });
  };
  // All at once: the hold is checked only after the pick list before it was handed on.
  submit(make("order.hold", "c1", "O-1"));
  submit(pick_list("c2", "O-1"));
  submit(make("order.hold", "c3", "O-1"));
  submit(pick_list("c4", "O-1"));
  submit(make("order.release", "c5", "O-1"));
  submit(pick_list("c2", "O-1"));  // a resend: a duplicate, not checked again
  submit(make("order.hold", "c1", "O-1"));  // refused before, checked again: the order exists now
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (replies.size() < 7 && std::chrono::steady_clock::now() < deadline) {
    io.restart();  // run_for() stops the context whenever it runs out of work (the journal's thread has it)
    io.run_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(replies.size(), 7u);
  const std::vector<std::pair<bool, std::optional<RejectCode>>> expected = {
      {false, RejectCode::unknown_order}, {true, std::nullopt}, {true, std::nullopt},
      {false, RejectCode::order_exists},  {false, RejectCode::invalid_state}, {true, std::nullopt},
      {true, std::nullopt}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(replies[i].accepted, expected[i].first) << i << ": " << replies[i].reason;
    EXPECT_EQ(replies[i].code, expected[i].second) << i;
  }
  EXPECT_TRUE(replies[5].duplicate);
  EXPECT_FALSE(replies[6].duplicate);
  EXPECT_EQ(checked, (std::vector<std::string>{"c1", "c2", "c3", "c4", "c5", "c1"}));
  journal.stop();
  CommandStore store(dir.file("commands.db"));
  EXPECT_EQ(store.command_count(), 3);  // c2, c3 and c1 the second time
  EXPECT_FALSE(*store.known("c4"));
}

}  // namespace
}  // namespace wedge::commands
