// The serial registry in stations.db (serial_registry.hpp): a claim names its order until it is
// released by that order or pruned; it survives closing and reopening the file; a claim made in a
// transaction that rolls back is not there (the registry agrees with the order's saved progress);
// a pick whose event is being stored holds the unit in memory; the put-away groups of a cancelled
// order (put_away.hpp) follow the lines' locations.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "daemon/station/order_store.hpp"
#include "daemon/station/put_away.hpp"
#include "daemon/station/serial_registry.hpp"
#include "daemon/storage/sqlite.hpp"
#include "tests/support/process.hpp"

namespace wedge::station {
namespace {

constexpr const char* kGtin = "09506000134352";

struct Db {
  test::TempDir dir;
  std::unique_ptr<OrderStore> store;
  std::unique_ptr<SerialRegistry> serials;
  void open() {
    serials.reset();
    store = std::make_unique<OrderStore>(dir.file("stations.db"));
    serials = std::make_unique<SerialRegistry>(store->connection());
  }
  Db() { open(); }
};

TEST(SerialRegistry, AClaimNamesItsOrderUntilReleasedByThatOrderAndSurvivesAReopen) {
  Db db;
  EXPECT_FALSE(db.serials->owner(kGtin, "S1"));
  ASSERT_TRUE(db.serials->claim(kGtin, "S1", "O-1", "P1", 1000));
  db.open();
  const auto owner = db.serials->owner(kGtin, "S1");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->order_id, "O-1");
  EXPECT_EQ(owner->station, "P1");
  EXPECT_EQ(owner->picked_unix_ms, 1000);
  // The same serial of another product is another unit.
  EXPECT_FALSE(db.serials->owner("04006381333931", "S1"));
  // Only the order that holds it releases it.
  ASSERT_TRUE(db.serials->release("O-2", {"S1"}));
  EXPECT_TRUE(db.serials->owner(kGtin, "S1"));
  ASSERT_TRUE(db.serials->release("O-1", {"S1"}));
  EXPECT_FALSE(db.serials->owner(kGtin, "S1"));
}

TEST(SerialRegistry, PruneForgetsOnlyTheClaimsBeforeTheCutoff) {
  Db db;
  ASSERT_TRUE(db.serials->claim(kGtin, "OLD", "O-1", "P1", 1000));
  ASSERT_TRUE(db.serials->claim(kGtin, "NEW", "O-2", "P1", 5000));
  const auto pruned = db.serials->prune(2000);
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, 1);
  EXPECT_FALSE(db.serials->owner(kGtin, "OLD"));
  EXPECT_TRUE(db.serials->owner(kGtin, "NEW"));
}

TEST(SerialRegistry, AClaimInATransactionThatRollsBackIsNotThere) {
  Db db;
  {
    storage::Transaction transaction(db.store->connection());
    ASSERT_TRUE(transaction.begin(storage::Transaction::Mode::immediate));
    ASSERT_TRUE(db.serials->claim(kGtin, "S1", "O-1", "P1", 1000));
  }  // no commit: rolled back
  EXPECT_FALSE(db.serials->owner(kGtin, "S1"));
}

TEST(SerialRegistry, APickBeingStoredHoldsTheUnitUntilUnreserved) {
  Db db;
  db.serials->reserve(kGtin, "S1", "O-1");
  const auto owner = db.serials->owner(kGtin, "S1");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->order_id, "O-1");
  db.serials->unreserve(kGtin, "S1");
  EXPECT_FALSE(db.serials->owner(kGtin, "S1"));
}

TEST(PutAwayGroups, OneGroupPerLocationWithItsLinesAndSerialsButThoseAlreadyPutAway) {
  OrderRecord r;
  r.order_id = "O-1";
  r.command_station = "st1";
  r.pick_list_json = R"({"lines":[{"sku":"A-1","gtins":["09506000134352"],"qty":2,"location":"R1-01"},
    {"sku":"B-7","gtins":["4006381333931"],"qty":1,"location":"R1-02"},
    {"sku":"C-3","gtins":["4012345000009"],"qty":1,"location":"R1-01"},
    {"sku":"D-4","gtins":["4012345000016"],"qty":1,"location":"R1-03"}]})";
  auto parsed = parse_pick_list_json(r.order_id, r.command_station, r.pick_list_json);
  ASSERT_TRUE(parsed) << parsed.error().front().message;
  r.pick_list = *parsed;
  r.pick.lines.resize(4);
  r.pick.lines[0] = {2, {"S1", "S2"}, {}};
  r.pick.lines[1] = {1, {}, {}};
  r.pick.lines[2] = {1, {}, {}};  // line 3 (R1-03) picked nothing: nothing goes back there
  auto groups = items_to_put_away(r);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].location, "R1-01");
  ASSERT_EQ(groups[0].items.size(), 2u);
  EXPECT_EQ(groups[0].items[0].sku, "A-1");
  EXPECT_EQ(groups[0].items[0].qty, 2);
  EXPECT_EQ(groups[0].items[0].serials, (std::vector<std::string>{"S1", "S2"}));
  EXPECT_EQ(groups[0].items[1].line, 2);
  EXPECT_EQ(groups[1].location, "R1-02");
  EXPECT_EQ(r.return_locations(), (std::vector<std::string>{"R1-01", "R1-02"}));

  r.put_away.insert("R1-01");
  groups = items_to_put_away(r);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].location, "R1-02");
  EXPECT_EQ(r.return_locations(), (std::vector<std::string>{"R1-02"}));
  // The record keeps what was put away across a restart.
  auto back = order_record_from_json(order_record_json(r));
  ASSERT_TRUE(back) << back.reason();
  EXPECT_EQ(back->put_away, (std::set<std::string>{"R1-01"}));
}

}  // namespace
}  // namespace wedge::station
