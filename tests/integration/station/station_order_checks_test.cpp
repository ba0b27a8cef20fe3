// Order state lives only in stations.db: the command journal's commands.db holds the commands and
// no order table, and the checks of an OMS command against its order (unknown_order, order_exists,
// invalid_state) are the stations' own, with the same answers after a restart. A commands.db left
// by the version that kept an order table there loses it, and that table decides nothing.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>

#include "daemon/storage/sqlite.hpp"
#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

std::string order_command(const std::string& type, const std::string& id, const std::string& order_id,
                          const std::string& data = "{}") {
  return R"({"schema":1,"id":")" + id + R"(","type":")" + type + R"(","order_id":")" + order_id +
         R"(","station":"st1","data":)" + data + "}";
}

// Whether the SQLite file at `path` has a table of this name.
bool has_table(const std::string& path, const std::string& name) {
  storage::Connection db;
  EXPECT_TRUE(db.open(path, false, ""));
  std::int64_t count = 0;
  EXPECT_TRUE(db.query_int("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'", count));
  return count > 0;
}

struct Expect {
  std::string type;
  std::string id;
  std::string data = "{}";
  std::string code;  // "" = accepted
  std::string reason = "";  // checked when set
};

void deliver_all(StationEnv& env, const std::vector<Expect>& steps) {
  for (const auto& step : steps) {
    const auto delivery = env.deliver(step.type, order_command(step.type, step.id, "O-1", step.data));
    const auto& reply = delivery.reply;
    if (step.code.empty()) {
      EXPECT_TRUE(reply.accepted) << step.id << ": " << reply.reason;
      EXPECT_TRUE(delivery.outcome && delivery.outcome->accepted) << step.id;
    } else {
      EXPECT_FALSE(reply.accepted) << step.id;
      EXPECT_EQ(reply.code ? std::string(commands::to_string(*reply.code)) : "", step.code) << step.id;
      EXPECT_FALSE(delivery.outcome.has_value()) << step.id << ": a rejected command went to the stations";
    }
    if (!step.reason.empty()) {
      EXPECT_EQ(reply.reason, step.reason) << step.id;
    }
  }
}

TEST(StationOrderChecks, TheStationsAnswerTheOrderChecksAndTheAnswersSurviveARestart) {
  StationEnv env;
  const std::string commands_db = env.config().state_dir + "/commands.db";
  deliver_all(env, {
                       {"order.cancel", "c1", "{}", "unknown_order", "order O-1 was never received in a pick_list"},
                       {"order.update", "c2", order_body(), "unknown_order"},
                       {"pick_list", "c3", order_body(), ""},
                       {"pick_list", "c4", order_body(), "order_exists",
                        "order O-1 already exists; use order.update to change it"},
                       {"order.release", "c5", "{}", "invalid_state", "order O-1 is not on hold"},
                       {"order.hold", "c6", "{}", ""},
                       {"order.hold", "c7", "{}", "invalid_state", "order O-1 is already on hold"},
                   });
  env.restart();
  deliver_all(env, {
                       {"order.hold", "c7", "{}", "invalid_state"},  // refused ids are checked again
                       {"order.release", "c8", "{}", ""},
                       {"order.update", "c9", order_body("", "Hamburg"), ""},
                       {"order.cancel", "c10", "{}", ""},
                   });
  env.restart();
  deliver_all(env, {
                       {"order.hold", "c11", "{}", "invalid_state", "order O-1 is cancelled; order.hold is not allowed"},
                       {"pick_list", "c12", order_body(), "order_exists"},
                   });
  EXPECT_TRUE(has_table(commands_db, "commands"));
  EXPECT_FALSE(has_table(commands_db, "orders")) << "commands.db holds no order state";
  EXPECT_NE(env.stations().order_json("O-1")->find("\"status\":\"cancelled\""), std::string::npos);
}

// The gateway upgraded from the version whose commands.db had an order table: the table goes at
// start, and an order it listed that stations.db does not know is unknown, whatever state the
// table gave it. The stored commands stay: a resent id is still a duplicate.
TEST(StationOrderChecks, AnOrderTableLeftInCommandsDbIsDroppedAndDecidesNothing) {
  StationEnv env;
  const std::string commands_db = env.config().state_dir + "/commands.db";
  ASSERT_TRUE(env.deliver("pick_list", order_command("pick_list", "c-old", "O-1", order_body())).reply.accepted);
  env.teardown();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(commands_db.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, R"sql(
      CREATE TABLE orders(order_id TEXT PRIMARY KEY, state TEXT NOT NULL, station TEXT NOT NULL,
                          pick_list TEXT NOT NULL, updated_unix_ms INTEGER NOT NULL, last_command_id TEXT NOT NULL);
      CREATE INDEX orders_updated ON orders(updated_unix_ms);
      INSERT INTO orders VALUES('O-GHOST', 'held', 'st1', '{}', 1, 'c-ghost');
      INSERT INTO orders VALUES('O-1', 'held', 'st1', '{}', 1, 'c-old');)sql",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  env.build();
  EXPECT_FALSE(has_table(commands_db, "orders"));
  const auto ghost = env.deliver("order.release", order_command("order.release", "c-1", "O-GHOST"));
  EXPECT_FALSE(ghost.reply.accepted);
  EXPECT_EQ(ghost.reply.code, commands::RejectCode::unknown_order);
  // O-1 is active in stations.db (the old table said held): release is refused, hold allowed.
  const auto release = env.deliver("order.release", order_command("order.release", "c-2", "O-1"));
  EXPECT_EQ(release.reply.code, commands::RejectCode::invalid_state);
  EXPECT_TRUE(env.deliver("order.hold", order_command("order.hold", "c-3", "O-1")).reply.accepted);
  const auto resent = env.deliver("pick_list", order_command("pick_list", "c-old", "O-1", order_body()));
  EXPECT_TRUE(resent.reply.accepted);
  EXPECT_TRUE(resent.reply.duplicate);
}

}  // namespace
}  // namespace wedge::test
