// stations.db keeps every order for the retention period, but the stations load only the open
// ones (and those a station holds); a shipped or cancelled order is read back by id or by its
// label's SSCC through an index, never by scanning the table; the purge picks exactly the ended
// orders before the cutoff.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <chrono>
#include <string>
#include <vector>

#include "daemon/commands/command_store.hpp"
#include "daemon/storage/sqlite.hpp"
#include "daemon/station/order_store.hpp"
#include "tests/support/process.hpp"

namespace wedge::station {
namespace {

// The ended order a label belongs to, by id (order_with_label without the parcel).
[[maybe_unused]] std::optional<std::string> order_of(OrderStore& store, const std::string& label) {
  const auto owner = store.order_with_label(label);
  return owner ? std::optional<std::string>(owner->order_id) : std::nullopt;
}

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The orders' times below count from an hour ahead: stations.db stamps each save with the real
// clock, and the purge only looks at rows last saved before its cutoff.
const std::int64_t kBase = now_unix_ms() + 3'600'000;

// `received` and `ended` are milliseconds after kBase (0: not set).
OrderRecord order(const std::string& id, std::int64_t rank, OrderStatus status, const std::string& station,
                  const std::string& sscc, std::int64_t received, std::int64_t ended) {
  OrderRecord r;
  r.order_id = id;
  r.rank = rank;
  r.command_station = "st1";
  r.target = "st1";
  r.pick_list_json = R"({"lines":[{"sku":"A-1","gtins":["09506000134352"],"qty":2,"location":"R1-01"}]})";
  auto parsed = parse_pick_list_json(r.order_id, r.command_station, r.pick_list_json);
  EXPECT_TRUE(parsed);
  r.pick_list = *parsed;
  r.pick.lines.resize(1);
  r.status = status;
  r.station = station;
  r.label.sscc = sscc;
  r.received_unix_ms = received > 0 ? kBase + received : 0;
  r.ended_unix_ms = ended > 0 ? kBase + ended : 0;
  if (status == OrderStatus::shipped) r.step = Step::done;
  return r;
}

std::vector<std::string> ids(const std::vector<OrderRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.order_id);
  return out;
}

class OrderStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OrderStore store(path());
    for (const auto& r : {order("O-OPEN", 1, OrderStatus::active, "", "", 1000, 0),
                          order("O-HELD", 2, OrderStatus::held, "st2", "", 1000, 0),
                          order("O-SHIP-OLD", 3, OrderStatus::shipped, "", "340000000000000011", 1000, 5000),
                          order("O-SHIP-NEW", 4, OrderStatus::shipped, "", "340000000000000028", 1000, 9000),
                          order("O-CANCEL-AT-ST", 5, OrderStatus::cancelled, "st1", "", 1000, 4000),
                          order("O-CANCEL-LEGACY", 6, OrderStatus::cancelled, "", "", 3000, 0)})
      {
        const auto saved = store.save(r);
        ASSERT_TRUE(saved) << saved.reason();
      }
  }
  std::string path() const { return dir_.file("stations.db"); }

  test::TempDir dir_;
};

TEST_F(OrderStoreTest, LoadsOnlyOpenOrdersAndThoseAStationHolds) {
  OrderStore store(path());
  EXPECT_EQ(ids(store.load_open()), (std::vector<std::string>{"O-OPEN", "O-HELD", "O-CANCEL-AT-ST"}));
  EXPECT_EQ(store.load_all().size(), 6u);
  EXPECT_EQ(store.max_rank(), 6);
}

TEST_F(OrderStoreTest, ReadsOneOrderBackByIdOrByItsLabel) {
  OrderStore store(path());
  const auto shipped = store.load("O-SHIP-NEW");
  ASSERT_TRUE(shipped);
  EXPECT_EQ(shipped->status, OrderStatus::shipped);
  EXPECT_EQ(shipped->label.sscc, "340000000000000028");
  EXPECT_EQ(shipped->pick_list.lines.at(0).sku, "A-1");
  EXPECT_FALSE(store.load("O-NONE"));
  EXPECT_FALSE(store.load_text("O-NONE"));
  ASSERT_TRUE(store.load_text("O-SHIP-OLD"));
  EXPECT_NE(store.load_text("O-SHIP-OLD")->find("\"sscc\":\"340000000000000011\""), std::string::npos);
  EXPECT_EQ(order_of(store, "340000000000000011"), "O-SHIP-OLD");
  EXPECT_FALSE(order_of(store, "340000000000000035"));
  EXPECT_FALSE(order_of(store, ""));  // orders without a label do not match an empty scan
}

TEST_F(OrderStoreTest, TheSsccLookupUsesTheIndex) {
  // Every unknown parcel scanned at a ship station asks; a day of orders must not be a table scan.
  { OrderStore store(path()); }
  storage::Connection db;
  ASSERT_TRUE(db.open(path(), false, ""));
  storage::Statement plan;
  ASSERT_TRUE(db.prepare("EXPLAIN QUERY PLAN SELECT order_id FROM station_orders "
                         "WHERE final_sscc = ?1 AND final_sscc <> '' LIMIT 1",
                         plan));
  std::string details;
  while (plan.step().code == SQLITE_ROW) details += plan.column_text(3) + "\n";
  EXPECT_NE(details.find("USING INDEX station_orders_final_sscc"), std::string::npos) << details;
}

TEST_F(OrderStoreTest, SavingAnOpenOrderWritesOnePage) {
  // The SSCC index covers ended orders only: a scan's save of an open order's record must not
  // also rewrite an index page (it did, with an index over every row: two WAL frames per save).
  OrderStore store(path());
  storage::Connection db;
  ASSERT_TRUE(db.open(path(), false, ""));
  ASSERT_TRUE(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  auto open = order("O-OPEN", 1, OrderStatus::active, "st1", "", 1000, 0);
  for (int i = 1; i <= 10; ++i) {
    open.pick.lines[0].picked = i % 2;
    {
      const auto saved = store.save(open);
      ASSERT_TRUE(saved) << saved.reason();
    }
  }
  storage::Statement checkpoint;
  ASSERT_TRUE(db.prepare("PRAGMA wal_checkpoint(PASSIVE)", checkpoint));
  ASSERT_EQ(checkpoint.step().code, SQLITE_ROW);
  EXPECT_EQ(checkpoint.column_int(1), 10);  // WAL frames: one page per save
}

TEST_F(OrderStoreTest, AStoreFromBeforeTheColumnIsMigrated) {
  // stations.db as the previous version wrote it: no final_sscc column.
  const std::string old_path = dir_.file("old.db");
  {
    storage::Connection db;
    ASSERT_TRUE(db.open(old_path, true, ""));
    ASSERT_TRUE(db.exec(
        "PRAGMA journal_mode=WAL; CREATE TABLE station_orders(order_id TEXT PRIMARY KEY, rank INTEGER NOT NULL,"
        " record TEXT NOT NULL, updated_unix_ms INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX station_orders_sscc ON station_orders(json_extract(record, '$.label.sscc'));"));
    storage::Statement insert;
    ASSERT_TRUE(db.prepare("INSERT INTO station_orders(order_id, rank, record) VALUES(?1, ?2, ?3)", insert));
    for (const auto& r : {order("O-SHIPPED", 1, OrderStatus::shipped, "", "340000000000000011", 1000, 5000),
                          order("O-PACKING", 2, OrderStatus::active, "st1", "340000000000000028", 1000, 0)}) {
      insert.bind(1, r.order_id);
      insert.bind(2, r.rank);
      insert.bind(3, order_record_json(r));
      ASSERT_TRUE(insert.step());
      insert.reset();
    }
  }
  OrderStore store(old_path);
  EXPECT_EQ(order_of(store, "340000000000000011"), "O-SHIPPED");
  EXPECT_FALSE(order_of(store, "340000000000000028"));  // open: in the stations' memory
  EXPECT_EQ(ids(store.load_open()), (std::vector<std::string>{"O-PACKING"}));
  OrderStore again(old_path);  // a second start migrates nothing
  EXPECT_EQ(order_of(again, "340000000000000011"), "O-SHIPPED");
}

TEST_F(OrderStoreTest, AnEndedOrdersParcelAndCarrierLabelsAreFoundWithTheirParcel) {
  // An order in three parcels (two SSCC labels and a carrier's label known by its tracking number)
  // and a single-label carrier order: while open they are in memory only; once ended each label
  // names its order and parcel, until the order is purged.
  OrderStore store(path());
  auto parcels = order("O-P3", 10, OrderStatus::active, "st1", "", 1000, 0);
  for (std::int64_t n = 1; n <= 3; ++n) {
    ParcelRecord p;
    p.number = n;
    p.units = {0};
    if (n < 3)
      p.label.sscc = n == 1 ? "340000000000000042" : "340000000000000059";
    else
      p.label.tracking = "1ZPARCEL3";
    p.label.state = LabelState::verified;
    parcels.parcels.push_back(p);
  }
  auto carrier = order("O-UPS", 11, OrderStatus::active, "st1", "", 1000, 0);
  carrier.label.tracking = "1ZSINGLE";
  carrier.label.state = LabelState::verified;
  for (const auto* r : {&parcels, &carrier}) ASSERT_TRUE(store.save(*r));
  EXPECT_FALSE(store.order_with_label("340000000000000059"));  // open: in the stations' memory
  EXPECT_FALSE(store.order_with_label("1ZSINGLE"));

  for (auto* r : {&parcels, &carrier}) {
    r->status = OrderStatus::shipped;
    r->step = Step::done;
    ASSERT_TRUE(store.save(*r));
  }
  auto check = [](OrderStore& s) {
    const auto second = s.order_with_label("340000000000000059");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->order_id, "O-P3");
    EXPECT_EQ(second->parcel, 2);
    const auto third = s.order_with_label("1ZPARCEL3");
    ASSERT_TRUE(third);
    EXPECT_EQ(third->parcel, 3);
    EXPECT_EQ(order_of(s, "340000000000000042"), "O-P3");
    const auto single = s.order_with_label("1ZSINGLE");
    ASSERT_TRUE(single);
    EXPECT_EQ(single->order_id, "O-UPS");
    EXPECT_EQ(single->parcel, 0);
    EXPECT_EQ(s.order_with_label("340000000000000011")->parcel, 0);  // final_sscc: the order's own label
  };
  check(store);
  ASSERT_FALSE(::testing::Test::HasFailure());

  // A stations.db written before the label table existed: filled from the records at start.
  {
    storage::Connection db;
    ASSERT_TRUE(db.open(path(), false, ""));
    ASSERT_TRUE(db.exec("DROP TABLE station_order_labels"));
  }
  OrderStore migrated(path());
  check(migrated);

  const auto removed = migrated.remove_all({"O-P3", "O-UPS"});
  ASSERT_TRUE(removed) << removed.reason();
  EXPECT_FALSE(migrated.order_with_label("340000000000000059"));
  EXPECT_FALSE(migrated.order_with_label("1ZSINGLE"));
}

TEST_F(OrderStoreTest, PurgeCandidatesAreTheEndedOrdersBeforeTheCutoff) {
  OrderStore store(path());
  auto before = [&](std::int64_t cutoff) {
    auto out = store.final_ended_before(kBase + cutoff);
    std::sort(out.begin(), out.end());
    return out;
  };
  // A record from before `ended` was kept counts from its arrival (3000 after kBase).
  EXPECT_EQ(before(3500), (std::vector<std::string>{"O-CANCEL-LEGACY"}));
  EXPECT_EQ(before(6000), (std::vector<std::string>{"O-CANCEL-AT-ST", "O-CANCEL-LEGACY", "O-SHIP-OLD"}));
  EXPECT_EQ(before(10000).size(), 4u);  // never the open or held ones

  const auto removed = store.remove_all({"O-SHIP-OLD", "O-CANCEL-LEGACY"});
  ASSERT_TRUE(removed) << removed.reason();
  EXPECT_EQ(before(10000), (std::vector<std::string>{"O-CANCEL-AT-ST", "O-SHIP-NEW"}));
  EXPECT_FALSE(order_of(store, "340000000000000011"));
  EXPECT_TRUE(store.remove_all({}));
}

TEST_F(OrderStoreTest, AnOrderSavedAfterTheCutoffWaitsForTheNextPurge) {
  // Ended two hours ago but saved just now (say its label was voided late): the purge picks rows
  // by their last save first, so this one goes at a later purge, never early.
  OrderStore store(path());
  auto late = order("O-LATE", 7, OrderStatus::cancelled, "", "", 1000, 2000);
  late.received_unix_ms = now_unix_ms() - 3 * 3'600'000;
  late.ended_unix_ms = now_unix_ms() - 2 * 3'600'000;
  {
    const auto saved = store.save(late);
    ASSERT_TRUE(saved) << saved.reason();
  }
  const auto ids = store.final_ended_before(now_unix_ms() - 3'600'000);
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "O-LATE"), ids.end());
}

// commands.db keeps the commands of the orders stations.db holds (the replay and the duplicate
// check need them) and no order state of its own; once stations.db has forgotten an order, its
// commands go too, a bounded number of rows per call.
TEST_F(OrderStoreTest, TheCommandJournalAndTheAppliedMarksForgetWhatStationsDbNoLongerHolds) {
  // Times in the journal are what store() is given: "old" before the cutoff, "new" after it.
  constexpr std::int64_t kOld = 1000, kCutoff = 5000, kNew = 9000;
  commands::CommandStore journal(dir_.file("commands.db"));
  auto submit = [&](const std::string& type, const std::string& payload, std::int64_t at) {
    auto parsed = commands::parse_command(type, payload, 1 << 20);
    ASSERT_TRUE(parsed) << parsed.error().reason;
    const auto stored = journal.store(*parsed, at);
    ASSERT_TRUE(stored) << stored.reason();
  };
  auto pick_list = [](const std::string& id, const std::string& order_id) {
    return R"({"schema":1,"id":")" + id + R"(","type":"pick_list","order_id":")" + order_id +
           R"(","station":"st1","data":{"lines":[{"sku":"A-1","qty":1}]}})";
  };
  submit("pick_list", pick_list("c-open", "O-OPEN"), kOld);     // stations.db holds it: stays
  submit("pick_list", pick_list("c-gone1", "O-GONE1"), kOld);   // forgotten by the stations
  submit("pick_list", pick_list("c-gone2", "O-GONE2"), kOld);
  submit("order.hold", R"({"schema":1,"id":"c-hold","type":"order.hold","order_id":"O-GONE1"})", kOld);
  submit("pick_list", pick_list("c-fresh", "O-FRESH"), kNew);   // too new to go, stations.db or not
  submit("rebirth", R"({"schema":1,"id":"c-rebirth-old","type":"rebirth"})", kOld);
  submit("rebirth", R"({"schema":1,"id":"c-rebirth-new","type":"rebirth"})", kNew);
  const std::vector<std::string> all_ids = {"c-open",  "c-gone1",       "c-gone2",      "c-hold",
                                             "c-fresh", "c-rebirth-old", "c-rebirth-new"};
  {
    OrderStore stations(path());  // stations.db exists (the fixture's orders)
    for (const auto& id : all_ids) stations.mark_handled(id);  // every command was applied
  }

  // One row per call at most: four calls take both pick lists, the hold and the old rebirth.
  std::int64_t removed_commands = 0;
  for (int call = 0; call < 6; ++call) {
    const auto purge = journal.purge(path(), kCutoff, 1);
    ASSERT_TRUE(purge) << purge.reason();
    EXPECT_LE(purge->commands, 1);
    removed_commands += purge->commands;
  }
  EXPECT_EQ(removed_commands, 4);
  EXPECT_EQ(journal.command_count(), 3);
  for (const auto& [id, kept] : std::vector<std::pair<std::string, bool>>{
           {"c-open", true}, {"c-fresh", true}, {"c-rebirth-new", true}, {"c-gone1", false}, {"c-hold", false}}) {
    const auto known = journal.known(id);
    ASSERT_TRUE(known) << known.reason();
    EXPECT_EQ(*known, kept) << id;
  }

  // The applied-command marks of the commands that left the journal can go (the replay can never
  // meet them again); the others stay. Nothing more to purge, so only that list is news.
  auto last = journal.purge(path(), kCutoff, 100);
  ASSERT_TRUE(last) << last.reason();
  EXPECT_EQ(last->commands, 0);
  std::sort(last->handled_to_forget.begin(), last->handled_to_forget.end());
  EXPECT_EQ(last->handled_to_forget, (std::vector<std::string>{"c-gone1", "c-gone2", "c-hold", "c-rebirth-old"}));
  EXPECT_EQ(journal.purge(path(), kCutoff, 2)->handled_to_forget.size(), 2u);  // the limit
  {
    OrderStore stations(path());
    const auto forgotten = stations.forget_handled(last->handled_to_forget);
    ASSERT_TRUE(forgotten) << forgotten.reason();
    for (const auto& id : all_ids) {
      const bool gone = std::binary_search(last->handled_to_forget.begin(), last->handled_to_forget.end(), id);
      const auto handled = stations.handled(id);
      ASSERT_TRUE(handled) << handled.reason();
      EXPECT_EQ(*handled, !gone) << id;
    }
  }
  EXPECT_TRUE(journal.purge(path(), kCutoff, 100)->handled_to_forget.empty());

  // No stations.db, nothing to do.
  const auto none = journal.purge(dir_.file("none.db"), kCutoff, 10);
  ASSERT_TRUE(none) << none.reason();
  EXPECT_EQ(none->commands, 0);
  EXPECT_EQ(journal.command_count(), 3);
}

// A read that fails is not "not applied": handled() reports the error, where it used to say "no"
// and let the replay apply the command a second time. In WAL mode no other connection can lock a
// reader out while this one has the file open (that takes exclusive locking mode, which needs the
// file to itself), so the read fails here the other way a read fails at run time: SQLite cannot
// run it (the table is gone under it; SQLITE_BUSY and I/O errors take the same path).
TEST_F(OrderStoreTest, AStationsDbThatCannotBeReadIsAnErrorNotNotApplied) {
  OrderStore stations(path());
  stations.mark_handled("c-applied");
  auto handled = [&](const std::string& id) { return stations.handled(id); };
  ASSERT_TRUE(handled("c-applied")) << handled("c-applied").reason();
  EXPECT_TRUE(*handled("c-applied"));
  storage::Connection other;
  ASSERT_TRUE(other.open(path(), false, ""));
  ASSERT_TRUE(other.exec("ALTER TABLE handled_commands RENAME TO handled_elsewhere"));
  EXPECT_FALSE(handled("c-applied"));
  EXPECT_NE(handled("c-applied").reason(), "");
  EXPECT_FALSE(handled("c-never")) << "a failed read said 'not applied'";
  EXPECT_NE(handled("c-never").reason(), "");
  ASSERT_TRUE(other.exec("ALTER TABLE handled_elsewhere RENAME TO handled_commands"));
  ASSERT_TRUE(handled("c-applied")) << handled("c-applied").reason();
  EXPECT_TRUE(*handled("c-applied"));
  ASSERT_TRUE(handled("c-never")) << handled("c-never").reason();
  EXPECT_FALSE(*handled("c-never"));
}

}  // namespace
}  // namespace wedge::station
