// An accepted item scan stores one pick row, not the order's record (issue 23): the scan of the
// 6,000th serial costs what the first one did. The order as stored stays exact: its record plus its
// pick rows, folded into the record by the next whole save, across restarts (a new OrderStore over
// the same file, as the daemon opens it) and from a stations.db the previous version wrote.
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/storage/sqlite.hpp"
#include "daemon/station/order_store.hpp"
#include "daemon/station/scan_check.hpp"
#include "tests/support/process.hpp"

namespace wedge::station {
namespace {

// The ended order a label belongs to, by id (order_with_label without the parcel).
[[maybe_unused]] std::optional<std::string> order_of(OrderStore& store, const std::string& label) {
  const auto owner = store.order_with_label(label);
  return owner ? std::optional<std::string>(owner->order_id) : std::nullopt;
}

constexpr int kLines = 4;
constexpr std::int64_t kQtyPerLine = 1500;

// Four lines of 1,500 units, each unit with its serial: 6,000 serials when picked in full.
OrderRecord big_order(const std::string& id) {
  OrderRecord r;
  r.order_id = id;
  r.rank = 1;
  r.command_station = "st1";
  r.target = "st1";
  r.station = "st1";
  r.pick_list_json = R"({"lines":[)";
  const char* gtins[kLines] = {"09506000134352", "04006381333931", "09506000134369", "09506000134376"};
  for (int i = 0; i < kLines; ++i)
    r.pick_list_json += std::string(i > 0 ? "," : "") + R"({"sku":"S-)" + std::to_string(i) + R"(","gtins":[")" +
                        gtins[i] + R"("],"qty":)" + std::to_string(kQtyPerLine) + R"(,"location":"R1-0)" +
                        std::to_string(i) + R"(","capture_serials":true})";
  r.pick_list_json += "]}";
  auto parsed = parse_pick_list_json(r.order_id, r.command_station, r.pick_list_json);
  EXPECT_TRUE(parsed);
  if (parsed) r.pick_list = *parsed;
  r.pick.lines.resize(kLines);
  r.received_unix_ms = 1'700'000'000'000;
  r.times["pick"].started_unix_ms = 1'700'000'001'000;
  return r;
}

ScanDecision pick_of(int line, int unit) {
  ScanDecision d;
  d.verdict = Verdict::accepted;
  d.line = line;
  d.qty = 1;
  d.serial = "SN" + std::to_string(line) + "-" + std::to_string(unit);
  d.lot = "LOT" + std::to_string(unit % 3);  // the returns step checks a returned unit's lot against these
  return d;
}

// What the stations do with an accepted scan: count it, then store it.
void pick(OrderStore& store, OrderRecord& order, int line, int unit) {
  const auto d = pick_of(line, unit);
  record_pick(order.pick, d);
  const auto saved = store.save_pick(order, d.line, d.qty, d.serial, d.lot);
  ASSERT_TRUE(saved) << saved.reason();
}

std::int64_t count(const std::string& path, const std::string& sql) {
  storage::Connection db;
  EXPECT_TRUE(db.open(path, false, ""));
  std::int64_t value = -1;
  EXPECT_TRUE(db.query_int(sql, value));
  return value;
}

// WAL frames written since the last truncating checkpoint.
class WalFrames {
 public:
  explicit WalFrames(const std::string& path) {
    EXPECT_TRUE(db_.open(path, false, ""));
    EXPECT_TRUE(db_.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  int since_start() {
    storage::Statement checkpoint;
    EXPECT_TRUE(db_.prepare("PRAGMA wal_checkpoint(PASSIVE)", checkpoint));
    EXPECT_EQ(checkpoint.step().code, SQLITE_ROW);
    return static_cast<int>(checkpoint.column_int(1));
  }

 private:
  storage::Connection db_;
};

TEST(OrderStorePicks, ABigOrderIsRestoredExactlyAfterARestartMidPick) {
  test::TempDir dir;
  const auto path = dir.file("stations.db");
  auto order = big_order("O-BIG");
  {
    OrderStore store(path);
    ASSERT_TRUE(store.save(order));  // the order arrives
    for (int unit = 0; unit < kQtyPerLine; ++unit) pick(store, order, 0, unit);
    for (int unit = 0; unit < 700; ++unit) pick(store, order, 1, unit);
    order.location = "R1-02";  // a location scan: the whole record, the picks folded in
    ASSERT_TRUE(store.save(order));
    EXPECT_EQ(count(path, "SELECT COUNT(*) FROM station_order_picks"), 0);
    for (int unit = 0; unit < 1200; ++unit) pick(store, order, 2, unit);
    for (int unit = 700; unit < 1000; ++unit) pick(store, order, 1, unit);
  }  // the process ends mid-pick
  EXPECT_EQ(count(path, "SELECT COUNT(*) FROM station_order_picks"), 1500);
  const auto expected = order_record_json(order);
  {
    OrderStore store(path);
    const auto open = store.load_open();
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(order_record_json(open[0]), expected);
    EXPECT_EQ(open[0].units_picked(), 1500 + 1000 + 1200);
    EXPECT_EQ(open[0].pick.lines[2].serials.size(), 1200u);
    EXPECT_EQ(open[0].pick.lines[2].lots, (std::set<std::string>{"LOT0", "LOT1", "LOT2"}));  // the rows keep lots
    const auto one = store.load("O-BIG");
    ASSERT_TRUE(one);
    EXPECT_EQ(order_record_json(*one), expected);
    EXPECT_EQ(store.load_text("O-BIG"), expected);
    // Picking goes on after the restart, and a second restart still gives it back exactly.
    auto resumed = open[0];
    for (int unit = 1200; unit < kQtyPerLine; ++unit) pick(store, resumed, 2, unit);
    pick(store, resumed, 3, 0);
    order = resumed;
  }
  OrderStore store(path);
  const auto again = store.load_open();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(order_record_json(again[0]), order_record_json(order));
  EXPECT_EQ(again[0].units_picked(), 1500 + 1000 + 1500 + 1);
}

TEST(OrderStorePicks, AScanWritesOnePageHoweverManySerialsTheOrderHolds) {
  test::TempDir dir;
  const auto path = dir.file("stations.db");
  OrderStore store(path);
  auto order = big_order("O-BIG");
  for (int unit = 0; unit < 3000; ++unit) record_pick(order.pick, pick_of(unit % kLines, unit));
  {
    WalFrames frames(path);
    ASSERT_TRUE(store.save(order));  // the whole record, as every scan wrote it before
    EXPECT_GT(frames.since_start(), 10);  // 3,000 serials: dozens of pages
  }
  {
    WalFrames frames(path);
    pick(store, order, 0, 5000);
    EXPECT_EQ(frames.since_start(), 1);  // one scan: one WAL page
  }
  WalFrames frames(path);  // (a checkpoint that copied every frame lets the next write restart the WAL)
  for (int unit = 5001; unit < 5010; ++unit) pick(store, order, 1, unit);
  EXPECT_EQ(frames.since_start(), 9);
}

TEST(OrderStorePicks, AnEndedOrderKeepsNoPickRowsAndThePurgeLeavesNone) {
  test::TempDir dir;
  const auto path = dir.file("stations.db");
  OrderStore store(path);
  auto order = big_order("O-END");
  ASSERT_TRUE(store.save(order));
  for (int unit = 0; unit < 5; ++unit) pick(store, order, 0, unit);
  order.status = OrderStatus::cancelled;
  order.ended_unix_ms = order.received_unix_ms + 1000;
  ASSERT_TRUE(store.save(order));
  EXPECT_EQ(count(path, "SELECT COUNT(*) FROM station_order_picks"), 0);
  // A pick whose event was stored as the cancel came: it counts (the item goes back) and is saved.
  pick(store, order, 0, 5);
  const auto back = store.load("O-END");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->pick.lines[0].picked, 6);
  EXPECT_EQ(order_record_json(*back), order_record_json(order));
  // An open order's pick rows go with it when it is forgotten.
  auto other = big_order("O-OTHER");
  ASSERT_TRUE(store.save(other));
  pick(store, other, 0, 0);
  ASSERT_TRUE(store.remove_all({"O-END", "O-OTHER"}));
  EXPECT_EQ(count(path, "SELECT COUNT(*) FROM station_order_picks"), 0);
  EXPECT_EQ(count(path, "SELECT COUNT(*) FROM station_orders"), 0);
}

TEST(OrderStorePicks, AStoreFromBeforeThePickRowsKeepsItsOrders) {
  // stations.db as the previous version wrote it: the records hold every pick, no pick table.
  test::TempDir dir;
  const auto path = dir.file("stations.db");
  auto order = big_order("O-OLD");
  for (int unit = 0; unit < 40; ++unit) record_pick(order.pick, pick_of(unit % kLines, unit));
  auto shipped = big_order("O-SHIPPED");
  shipped.status = OrderStatus::shipped;
  shipped.step = Step::done;
  shipped.station.clear();
  shipped.label.sscc = "340000000000000011";
  {
    storage::Connection db;
    ASSERT_TRUE(db.open(path, true, ""));
    ASSERT_TRUE(db.exec(
        "PRAGMA journal_mode=WAL; CREATE TABLE station_orders(order_id TEXT PRIMARY KEY, rank INTEGER NOT NULL,"
        " record TEXT NOT NULL, updated_unix_ms INTEGER NOT NULL DEFAULT 0, final_sscc TEXT NOT NULL DEFAULT '');"
        "CREATE TABLE handled_commands(id TEXT PRIMARY KEY);"
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "CREATE INDEX station_orders_final_sscc ON station_orders(final_sscc) WHERE final_sscc <> '';"));
    storage::Statement insert;
    ASSERT_TRUE(db.prepare("INSERT INTO station_orders(order_id, rank, record, final_sscc) VALUES(?1, ?2, ?3, ?4)",
                           insert));
    for (const auto* r : {&order, &shipped}) {
      insert.bind(1, r->order_id).bind(2, r->rank).bind(3, order_record_json(*r));
      insert.bind(4, r->final() ? std::string_view(r->label.sscc) : std::string_view(""));
      ASSERT_TRUE(insert.run());
    }
  }
  {
    OrderStore store(path);
    const auto open = store.load_open();
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(order_record_json(open[0]), order_record_json(order));
    EXPECT_EQ(order_of(store, "340000000000000011"), "O-SHIPPED");
    pick(store, order, 3, 99);  // picking goes on with pick rows
  }
  OrderStore store(path);
  const auto open = store.load_open();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(order_record_json(open[0]), order_record_json(order));
  EXPECT_EQ(open[0].units_picked(), 41);
}

}  // namespace
}  // namespace wedge::station
