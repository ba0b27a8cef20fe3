// Inventory truth after exceptions (issue 21, item 2), against the real simulators: a serialised
// unit (GTIN + (21) serial) picked in one order is refused in any other order of the gateway until
// its order is cancelled and the unit put back; a cancelled order's units are put back location by
// location (each location barcode the screen lists → order.items_returned), or all at once by the
// order barcode as before.
#include <gtest/gtest.h>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using commands::CommandType;

// Two pick-only stations, so that two orders are picked at once.
EnvOptions two_pickers() {
  EnvOptions options;
  options.stations_yaml = "  - {id: st1, steps: [pick]}\n  - {id: st2, steps: [pick]}\n";
  return options;
}

// GS1-128: (01) the GTIN of line A-1 (R1-01), (21) the serial.
std::string unit_a(const std::string& serial) { return "]C10109506000134352" "21" + serial; }
constexpr const char* kItemB = "4006381333931";  // line B-7 (R1-02), no serial

bool both_picking(StationEnv& env) {
  return env.run_until([&] { return env.snap("st1").order_id == "O-1" && env.snap("st2").order_id == "O-2"; });
}

// O-1 at st1 with the unit A `serial` and one B picked (locations R1-01, R1-02); O-2 at st2.
void pick_a_unit_in_o1(StationEnv& env, const std::string& serial) {
  env.pick_list("O-1", order_body(), "st1");
  env.pick_list("O-2", order_body(), "st2");
  ASSERT_TRUE(both_picking(env));
  EXPECT_EQ(env.scan(unit_a(serial), "st1").verdict, "accepted");
  EXPECT_EQ(env.scan(kItemB, "st1").verdict, "accepted");
}

std::vector<std::string> strings(const boost::json::value& value) {
  std::vector<std::string> out;
  for (const auto& v : value.as_array()) out.emplace_back(v.as_string());
  return out;
}

TEST(StationSerials, AUnitPickedInOneOrderIsRefusedInAnotherUntilItsCancelledOrderPutsItBackByLocation) {
  StationEnv env(two_pickers());
  pick_a_unit_in_o1(env, "SER-1");
  // The same unit in the other order: refused, naming the order that has it.
  auto twice = env.scan(unit_a("SER-1"), "st2");
  EXPECT_EQ(twice.code, "serial_in_other_order");
  EXPECT_EQ(twice.message,
            "This unit was already picked for another order: set it aside and call a supervisor. (order O-1)");
  ASSERT_TRUE(env.wait_event("O-2", "scan.refused"));
  auto refusal = env.events_of("O-2", "scan.refused").back();
  EXPECT_EQ(str(refusal.data, "reason"), "serial_in_other_order");
  EXPECT_EQ(str(refusal.data, "detail"), "serial SER-1 of GTIN 09506000134352 was picked in order O-1");
  // Another unit of the same product is fine.
  EXPECT_EQ(env.scan(unit_a("SER-2"), "st2").verdict, "accepted");

  // O-1 is cancelled: the screen lists each location with what goes back there.
  EXPECT_TRUE(env.apply(command(CommandType::order_cancel, "O-1", R"({"reason":"customer"})")).accepted);
  auto listed = env.snap("st1").put_away;
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].location, "R1-01");
  ASSERT_EQ(listed[0].items.size(), 1u);
  EXPECT_EQ(listed[0].items[0].sku, "A-1");
  EXPECT_EQ(listed[0].items[0].serials, std::vector<std::string>{"SER-1"});
  EXPECT_EQ(listed[1].location, "R1-02");
  // Cancelled is not back on the shelf yet.
  EXPECT_EQ(env.scan(unit_a("SER-1"), "st2").code, "serial_in_other_order");

  // One location at a time.
  auto first = env.scan("R1-02", "st1");
  EXPECT_EQ(first.code, "put_away");
  EXPECT_EQ(first.verdict, "accepted");
  EXPECT_EQ(first.locations, std::vector<std::string>{"R1-01"});
  ASSERT_TRUE(env.wait_event("O-1", "order.items_returned"));
  auto returned = env.events_of("O-1", "order.items_returned").back();
  EXPECT_EQ(str(returned.data, "location"), "R1-02");
  EXPECT_EQ(str(returned.data, "barcode"), "R1-02");
  EXPECT_EQ(strings(returned.data["remaining_locations"]), std::vector<std::string>{"R1-01"});
  ASSERT_EQ(returned.data["items"].as_array().size(), 1u);
  const auto& item = returned.data["items"].as_array()[0].as_object();
  EXPECT_EQ(str(item, "sku"), "B-7");
  EXPECT_EQ(item.at("qty").as_int64(), 1);
  EXPECT_EQ(item.at("line").as_int64(), 1);
  EXPECT_EQ(env.snap("st1").order_id, "O-1");
  EXPECT_EQ(env.snap("st1").put_away.size(), 1u);
  EXPECT_EQ(env.scan("R1-02", "st1").code, "already_put_away");
  EXPECT_EQ(env.scan(kItemB, "st1").code, "order_cancelled");
  EXPECT_EQ(env.scan(unit_a("SER-1"), "st2").code, "serial_in_other_order");

  // The last location: the unit is back, the order is set aside as before and st1 is free.
  EXPECT_EQ(env.scan("R1-01", "st1").code, "set_aside");
  ASSERT_TRUE(env.wait_event("O-1", "order.set_aside"));
  returned = env.events_of("O-1", "order.items_returned").back();
  EXPECT_EQ(str(returned.data, "location"), "R1-01");
  EXPECT_TRUE(returned.data["remaining_locations"].as_array().empty());
  EXPECT_EQ(strings(returned.data["items"].as_array()[0].as_object()["serials"]), std::vector<std::string>{"SER-1"});
  EXPECT_EQ(env.snap("st1").order_id, "");
  EXPECT_EQ(env.scan(unit_a("SER-1"), "st2").verdict, "accepted");
}

TEST(StationSerials, TheOrderBarcodePutsEveryLocationBackAtOnceAndTheRegistryOutlivesARestart) {
  StationEnv env(two_pickers());
  pick_a_unit_in_o1(env, "SER-7");

  env.restart();
  ASSERT_TRUE(both_picking(env));
  EXPECT_EQ(env.scan(unit_a("SER-7"), "st2").code, "serial_in_other_order");

  EXPECT_TRUE(env.apply(command(CommandType::order_cancel, "O-1", R"({"reason":"customer"})")).accepted);
  EXPECT_EQ(env.scan("O-1", "st1").code, "set_aside");
  ASSERT_TRUE(env.wait_event("O-1", "order.set_aside"));
  const auto returned = env.events_of("O-1", "order.items_returned");
  ASSERT_EQ(returned.size(), 2u);
  EXPECT_EQ(str(returned[0].data, "location"), "R1-01");
  EXPECT_EQ(str(returned[0].data, "barcode"), "O-1");
  EXPECT_EQ(str(returned[1].data, "location"), "R1-02");
  EXPECT_LT(returned[1].seq, env.events_of("O-1", "order.set_aside").back().seq);
  EXPECT_EQ(env.scan(unit_a("SER-7"), "st2").verdict, "accepted");
  // And that pick holds the unit across the next restart.
  env.restart();
  env.pick_list("O-3", order_body(), "st1");
  ASSERT_TRUE(env.run_until([&] { return env.snap("st1").order_id == "O-3"; }));
  EXPECT_EQ(env.scan(unit_a("SER-7"), "st1").code, "serial_in_other_order");
}

}  // namespace
}  // namespace wedge::test
