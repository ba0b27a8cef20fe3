// The returns model without peers: return.expected's items (strict, every issue), the stored record
// (round trip, so a restart gives back the unit waiting for its grade) and the item check against
// what shipped (return_check.hpp), including lots and serials read back from a stored order.
#include <gtest/gtest.h>

#include "daemon/station/return_check.hpp"
#include "daemon/station/return_record.hpp"
#include "daemon/station/workflow_order.hpp"

namespace wedge::station {
namespace {

CheckOptions options() {
  CheckOptions o;
  o.today = CalendarDate{2025, 6, 10};
  return o;
}

std::vector<ShippedLine> shipped() {
  ShippedLine a;
  a.sku = "A-1";
  a.gtins = {"09506000134352"};
  a.qty = 2;
  a.lots = {"LOT1"};
  a.location = "R1-01";
  ShippedLine d;
  d.sku = "D-4";
  d.gtins = {"00036000291452"};
  d.qty = 2;
  d.capture_serials = true;
  d.serials = {"SN1", "SN2"};
  return {a, d};
}

TEST(ReturnItems, EveryIssueWithItsPath) {
  auto parsed = parse_expected_items(
      R"({"items":[{"sku":"A-1","gtin":"123","qty":0,"colour":"red"},{"qty":1,"serials":["S1","S1"]}],"x":1})");
  ASSERT_FALSE(parsed);
  std::vector<std::string> paths;
  for (const auto& issue : parsed.error()) paths.push_back(issue.path + ":" + std::string(to_string(issue.code)));
  const std::vector<std::string> expected = {
      "data.x:unknown_field",          "data.items[0].colour:unknown_field", "data.items[0].gtin:bad_gtin",
      "data.items[0].qty:out_of_range", "data.items[1].sku:missing_field",   "data.items[1].serials:duplicate_value",
      "data.items[1].serials:out_of_range"};
  EXPECT_EQ(paths, expected);
  auto good = parse_expected_items(R"({"items":[{"sku":"A-1","gtin":"9506000134352","qty":1,"serials":["S1"]}]})");
  ASSERT_TRUE(good) << good.error().front().message;
  EXPECT_EQ(good->at(0).gtin, "09506000134352");
}

TEST(ReturnRecordJson, RoundTripKeepsThePendingUnit) {
  ReturnRecord r;
  r.return_id = "RMA-1";
  r.order_id = "O-1";
  r.announced = true;
  r.status = ReturnStatus::open;
  r.station = "rt1";
  r.expected.push_back({"A-1", "09506000134352", 2, "LOT1", {"S1"}, "R9-01", "broken"});
  ReturnedItem graded;
  graded.sku = "A-1";
  graded.grade = "damaged";
  graded.disposition = "quarantine";
  graded.expected = 0;
  r.items.push_back(graded);
  ReturnedItem pending;
  pending.sku = "A-1";
  pending.serial = "S1";
  pending.line = 0;
  r.pending = pending;
  r.parcel_grams = 412.5;
  auto back = return_record_from_json(return_record_json(r));
  ASSERT_TRUE(back) << back.reason();
  EXPECT_EQ(return_record_json(*back), return_record_json(r));
  ASSERT_TRUE(back->pending.has_value());
  EXPECT_EQ(back->pending->serial, "S1");
  EXPECT_EQ(back->units_for(0), 1);
  EXPECT_FALSE(back->all_expected_returned());
  EXPECT_FALSE(return_record_from_json("{\"return_id\":\"x\"}"));
}

TEST(ReturnCheck, RefusalsInOrder) {
  ReturnRecord r;
  r.order_id = "O-1";
  std::vector<ReturnedItem> returned;
  auto check = [&](const std::string& code) {
    return check_return_item(shipped(), r, returned, code, "", options()).code;
  };
  EXPECT_EQ(check("5901234123457"), "not_shipped");
  EXPECT_EQ(check("HELLO"), "unknown_barcode");
  EXPECT_EQ(check("]C10100036000291452"), "serial_missing");
  EXPECT_EQ(check("]C10100036000291452" "21SN9"), "serial_not_shipped");
  EXPECT_EQ(check("]C10109506000134352" "10LOT9"), "lot_not_shipped");
  EXPECT_EQ(check("9506000134352"), "accepted");  // no lot read: not checked
  EXPECT_EQ(check("A-1"), "accepted");            // the SKU as text
  ReturnedItem a;
  a.line = 0;
  returned = {a, a};
  EXPECT_EQ(check("9506000134352"), "over_return");
  ReturnedItem sn1;
  sn1.line = 1;
  sn1.serial = "SN1";
  returned = {sn1};
  EXPECT_EQ(check("]C10100036000291452" "21SN1"), "serial_duplicate");
  const auto ok = check_return_item(shipped(), r, returned, "]C10100036000291452" "21SN2", "", options());
  EXPECT_TRUE(ok.accepted);
  EXPECT_EQ(ok.item.line, 1);
  EXPECT_EQ(ok.item.serial, "SN2");
}

TEST(ReturnCheck, TheSerialRegistryNamesTheOrderAUnitWasPickedFor) {
  ReturnRecord r;
  r.order_id = "O-1";
  auto o = options();
  o.serial_owner = [](const std::string& gtin, const std::string& serial) -> std::optional<std::string> {
    if (gtin != "00036000291452") return std::nullopt;
    if (serial == "SN9") return "O-2";
    if (serial == "SN1") return "O-1";
    return std::nullopt;
  };
  // A line known by its serials: a serial of another order is named.
  const auto other = check_return_item(shipped(), r, {}, "]C10100036000291452" "21SN9", "", o);
  EXPECT_EQ(other.code, "serial_not_shipped");
  EXPECT_NE(other.detail.find("picked in order O-2, not in order O-1"), std::string::npos) << other.detail;
  EXPECT_NE(other.message.find("(order O-2)"), std::string::npos) << other.message;
  EXPECT_TRUE(check_return_item(shipped(), r, {}, "]C10100036000291452" "21SN1", "", o).accepted);
  // A line that shipped without known serials (an announced return naming none): the registry
  // still refuses a unit picked for another order, and lets others through.
  auto lines = shipped();
  lines[1].capture_serials = false;
  lines[1].serials.clear();
  EXPECT_EQ(check_return_item(lines, r, {}, "]C10100036000291452" "21SN9", "", o).code, "serial_not_shipped");
  EXPECT_TRUE(check_return_item(lines, r, {}, "]C10100036000291452" "21SN1", "", o).accepted);
  EXPECT_TRUE(check_return_item(lines, r, {}, "]C10100036000291452" "21SN7", "", o).accepted);
  EXPECT_TRUE(check_return_item(lines, r, {}, "]C10100036000291452", "", o).accepted);
}

TEST(ReturnCheck, LotsAndSerialsOfAStoredOrder) {
  // What shipped is read back from the order's stored record: lots are kept with the picks.
  OrderRecord order;
  order.order_id = "O-1";
  order.command_station = "st1";
  order.target = "st1";
  order.pick_list_json =
      R"({"lines":[{"sku":"A-1","gtins":["09506000134352"],"qty":2,"location":"R1-01"}]})";
  order.pick.lines.resize(1);
  order.pick.lines[0].picked = 2;
  order.pick.lines[0].lots = {"LOT1"};
  order.pick.lines[0].serials = {"SN1"};
  order.status = OrderStatus::shipped;
  auto back = order_record_from_json(order_record_json(order));
  ASSERT_TRUE(back) << back.reason();
  const auto lines = shipped_lines(*back);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].lots, (std::set<std::string>{"LOT1"}));
  EXPECT_EQ(lines[0].serials, (std::set<std::string>{"SN1"}));
  EXPECT_EQ(lines[0].qty, 2);
  EXPECT_EQ(lines[0].location, "R1-01");
}

}  // namespace
}  // namespace wedge::station
