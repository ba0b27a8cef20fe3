// Commands the link stored in commands.db just before a crash, but the stations never applied,
// are applied at the next start — once, in arrival order — and the ones already applied are not
// applied twice.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "daemon/commands/command_store.hpp"
#include "daemon/station/order_store.hpp"
#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

// Stores a command in the journal exactly as the link does on arrival.
commands::Command journal(const std::string& state_dir, const std::string& payload, const std::string& type) {
  auto parsed = commands::parse_command(type, payload, 1 << 20);
  EXPECT_TRUE(parsed) << parsed.error().reason;
  commands::CommandStore store(state_dir + "/commands.db");
  const auto stored = store.store(*parsed, 1);
  EXPECT_TRUE(stored) << stored.reason();
  return *parsed;
}

std::string pick_list_payload(const std::string& id, const std::string& order_id) {
  return R"({"schema":1,"id":")" + id + R"(","type":"pick_list","order_id":")" + order_id +
         R"(","station":"st1","data":)" + order_body() + "}";
}

TEST(StationReplay, StoredButUnappliedCommandsAreAppliedAtStart) {
  StationEnv env;
  const std::string state = env.config().state_dir;
  // O-1 reached both stores before the crash.
  const auto applied = journal(state, pick_list_payload("cmd-1", "O-1"), "pick_list");
  EXPECT_TRUE(env.apply(applied).accepted);
  ASSERT_TRUE(env.wait_event("O-1", "order.received"));

  // The crash: the link stored O-2 and then its cancel, the stations never saw them.
  env.restart();  // (collects the events so far; the stop is orderly, the journal rows are what matter)
  env.teardown();
  journal(state, pick_list_payload("cmd-2", "O-2"), "pick_list");
  journal(state, R"({"schema":1,"id":"cmd-3","type":"order.cancel","order_id":"O-2","data":{"reason":"customer"}})",
          "order.cancel");
  env.build();

  ASSERT_TRUE(env.wait_event("O-2", "order.received"));
  ASSERT_TRUE(env.wait_event("O-2", "order.cancelled"));
  EXPECT_EQ(env.events_of("O-2", "order.cancelled").at(0).data.at("intercepted_step").as_string(), "queued");
  EXPECT_EQ(env.events_of("O-1", "order.received").size(), 1u);  // applied before: not again
  EXPECT_NE(env.stations().order_json("O-2")->find("\"status\":\"cancelled\""), std::string::npos);

  // Applied now, so a further restart replays nothing.
  const auto before = env.collect().size();
  env.restart();
  env.run_until([] { return false; }, std::chrono::milliseconds(300));
  std::size_t order_events = 0;
  for (std::size_t i = before; i < env.collect().size(); ++i)
    if (!env.collect()[i].order_id.empty() && env.collect()[i].type != "pick.started") ++order_events;
  EXPECT_EQ(order_events, 0u);
}

TEST(StationReplay, WeightHoldLetsTheOmsReleasePassTheCommandStore) {
  StationEnv env;
  const auto received = env.deliver("pick_list", pick_list_payload("cmd-w1", "O-W"));
  EXPECT_TRUE(received.reply.accepted) << received.reply.reason;
  EXPECT_TRUE(received.outcome && received.outcome->accepted);
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-W"; }));
  env.pick_all();
  env.set_weight(900);  // 720 g expected ± 20 g
  EXPECT_EQ(env.scan("O-W").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-W", "weight.mismatch"));
  ASSERT_TRUE(env.wait_event("O-W", "order.held"));
  env.set_weight(725);  // repacked: the weighing resumes on release
  // The journal's check: release is only for held orders, and this one is held by the station.
  const auto release =
      env.deliver("order.release", R"({"schema":1,"id":"cmd-w2","type":"order.release","order_id":"O-W"})");
  EXPECT_TRUE(release.reply.accepted) << release.reply.reason;
  EXPECT_TRUE(release.outcome && release.outcome->accepted);
  ASSERT_TRUE(env.wait_event("O-W", "order.released"));
  ASSERT_TRUE(env.wait_event("O-W", "weight.ok"));
}

// commands.db has one writer, the journal's thread: the loop never writes it, and a weight hold is
// order state, which lives in stations.db alone. While another process holds commands.db's write
// lock, the weight hold still shows and goes out at once, and the OMS's release passes the
// stations' check afterwards. (Once, the loop wrote the hold into commands.db itself: it stalled on
// busy_timeout for 2 s, gave up, and the release was then refused as invalid_state.)
TEST(StationReplay, TheLoopNeverWritesCommandsDbAWeightHoldWaitsForTheLockOffTheLoop) {
  StationEnv env;
  ASSERT_TRUE(env.deliver("pick_list", pick_list_payload("cmd-l1", "O-L")).reply.accepted);
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-L"; }));
  env.pick_all();
  env.set_weight(900);  // 720 g expected ± 20 g
  sqlite3* lock = nullptr;
  ASSERT_EQ(sqlite3_open((env.config().state_dir + "/commands.db").c_str(), &lock), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(lock, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(env.scan("O-L").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-L", "weight.mismatch"));
  ASSERT_TRUE(env.wait_event("O-L", "order.held"));
  sqlite3_exec(lock, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(lock);
  env.set_weight(725);
  const auto release =
      env.deliver("order.release", R"({"schema":1,"id":"cmd-l2","type":"order.release","order_id":"O-L"})");
  EXPECT_TRUE(release.reply.accepted) << release.reply.reason;
  ASSERT_TRUE(env.wait_event("O-L", "order.released"));
}

// The journal de-duplicates by command id: a command delivered twice, and again after a restart,
// is answered "accepted, duplicate" and applied once.
TEST(StationReplay, ACommandDeliveredTwiceAlsoAcrossARestartIsAppliedOnce) {
  StationEnv env;
  const auto payload = pick_list_payload("cmd-d1", "O-D");
  const auto first = env.deliver("pick_list", payload);
  EXPECT_TRUE(first.reply.accepted);
  EXPECT_FALSE(first.reply.duplicate);
  ASSERT_TRUE(first.outcome && first.outcome->accepted);
  const auto again = env.deliver("pick_list", payload);
  EXPECT_TRUE(again.reply.accepted);
  EXPECT_TRUE(again.reply.duplicate);
  EXPECT_FALSE(again.outcome.has_value()) << "a duplicate went to the stations";
  env.restart();
  const auto after_restart = env.deliver("pick_list", payload);
  EXPECT_TRUE(after_restart.reply.accepted);
  EXPECT_TRUE(after_restart.reply.duplicate);
  EXPECT_FALSE(after_restart.outcome.has_value()) << "a duplicate went to the stations";
  EXPECT_EQ(env.events_of("O-D", "order.received").size(), 1u);
}

// Three orders end at st1: O-S shipped, O-Q cancelled in the queue, O-C cancelled while being
// picked (st1 holds it until its items are back). Returns O-S's SSCC.
std::string end_three_orders(StationEnv& env) {
  env.pick_list("O-S");
  env.pick_list("O-C");
  env.pick_list("O-Q");
  EXPECT_TRUE(env.run_until([&] { return env.snap().order_id == "O-S"; }));
  env.pick_all();
  const std::string sscc = env.pack_to_label("O-S");
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  EXPECT_TRUE(env.wait_event("O-S", "pack.completed"));
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  EXPECT_TRUE(env.wait_event("O-S", "order.shipped"));
  EXPECT_TRUE(env.apply(command(commands::CommandType::order_cancel, "O-Q")).accepted);
  EXPECT_TRUE(env.run_until([&] { return env.snap().order_id == "O-C"; }));
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_TRUE(env.apply(command(commands::CommandType::order_cancel, "O-C")).accepted);
  return sscc;
}

TEST(StationReplay, FinalOrdersAreForgottenAfterTheRetention) {
  StationEnv env;
  const std::string sscc = end_three_orders(env);
  ASSERT_FALSE(::testing::Test::HasFailure());

  // Within the retention everything stays; with none, the ended orders go — except the cancelled
  // one still at the station until its items are back.
  env.restart();
  EXPECT_TRUE(env.stations().order_json("O-S").has_value());
  env.options().final_order_retention = std::chrono::milliseconds(0);
  env.restart();
  EXPECT_FALSE(env.stations().order_json("O-S").has_value());
  EXPECT_FALSE(env.stations().order_json("O-Q").has_value());
  EXPECT_TRUE(env.stations().order_json("O-C").has_value());
  EXPECT_EQ(env.snap().order_id, "O-C");
  // A label of a forgotten order is an unknown parcel now.
  EXPECT_EQ(env.scan("O-C").code, "set_aside");
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id.empty(); }));
  EXPECT_EQ(env.scan("]C100" + sscc).code, "unknown_order");
}

TEST(StationReplay, EndedOrdersLeaveMemoryAndAnswerAsBefore) {
  StationEnv env;
  env.options().final_order_in_memory = std::chrono::hours(1);
  env.restart();
  const std::string sscc = end_three_orders(env);
  ASSERT_FALSE(::testing::Test::HasFailure());
  EXPECT_EQ(env.stations().orders_in_memory(), 3u);
  const auto hold_in_memory = env.apply(command(commands::CommandType::order_hold, "O-Q"));
  EXPECT_FALSE(hold_in_memory.accepted);

  // A start reads only what is open or held by a station: O-C.
  env.options().final_order_in_memory = std::chrono::milliseconds(100);
  env.restart();
  EXPECT_EQ(env.stations().orders_in_memory(), 1u);
  EXPECT_TRUE(env.stations().order_json("O-S").has_value());  // from the store, not into memory
  EXPECT_EQ(env.stations().orders_in_memory(), 1u);
  const auto hold_from_store = env.apply(command(commands::CommandType::order_hold, "O-Q"));  // read back
  EXPECT_EQ(hold_from_store.code, hold_in_memory.code);
  EXPECT_EQ(hold_from_store.reason, hold_in_memory.reason);
  EXPECT_EQ(env.stations().orders_in_memory(), 2u);

  // The sweep takes O-Q out again; O-C stays: st1 holds it until its items are back.
  ASSERT_TRUE(env.run_until([&] { return env.stations().orders_in_memory() == 1; }));
  EXPECT_EQ(env.snap().order_id, "O-C");
  // What a command or a scan naming them gets is what it got while they were in memory.
  EXPECT_NE(env.stations().order_json("O-S")->find("\"status\":\"shipped\""), std::string::npos);
  const auto late = env.apply(command(commands::CommandType::order_cancel, "O-S"));
  EXPECT_FALSE(late.accepted);
  EXPECT_EQ(late.code, "already_shipped");
  EXPECT_EQ(env.apply(command(commands::CommandType::pick_list, "O-Q", order_body(), "st1")).code, "duplicate");
  EXPECT_EQ(env.scan("O-C").code, "set_aside");
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id.empty(); }));
  // By its label, at a station with no order: the shipped parcel is known, and refused as shipped.
  EXPECT_EQ(env.scan("]C100" + sscc).code, "already_shipped");

  // After a restart only the open orders are read (none is left).
  env.restart();
  EXPECT_EQ(env.stations().orders_in_memory(), 0u);
  EXPECT_EQ(env.scan("]C100" + sscc).code, "already_shipped");
  EXPECT_TRUE(env.stations().order_json("O-Q").has_value());
}

TEST(StationReplay, JournalIsReadAfterTheWatermarkInArrivalOrder) {
  // A gateway upgraded to this version: commands.db has history, stations.db knows no watermark
  // (so the first start only sets it: Housekeeping::replay_journal).
  TempDir dir;
  std::filesystem::create_directories(dir.file("state"));
  journal(dir.file("state"), pick_list_payload("old-1", "O-OLD"), "pick_list");
  station::OrderStore store(dir.file("state") + "/stations.db");
  EXPECT_FALSE(store.journal_watermark().has_value());
  auto read = commands::read_stored_commands(dir.file("state") + "/commands.db", 0);
  ASSERT_TRUE(read) << read.reason();
  ASSERT_EQ(read->entries.size(), 1u);
  EXPECT_EQ(read->entries[0].command.id, "old-1");
  EXPECT_EQ(read->entries[0].command.order_id, "O-OLD");
  EXPECT_EQ(read->max_rowid, 1);
  EXPECT_TRUE(commands::read_stored_commands(dir.file("state") + "/commands.db", 1)->entries.empty());
  EXPECT_TRUE(commands::read_stored_commands(dir.file("state") + "/absent.db", 0)->entries.empty());
}

}  // namespace
}  // namespace wedge::test
