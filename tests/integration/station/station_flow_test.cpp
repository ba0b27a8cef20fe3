// The station workflow end to end against the real simulators (scale and light on Modbus TCP, the
// ZPL printer on TCP), with events read back from the outbox: pick → pack → ship, every refusal
// case, a cancel at each step, hold/release, address change with reprint, short picks.
#include <gtest/gtest.h>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using commands::CommandType;

TEST(StationFlow, PickPackShipAtOneStation) {
  StationEnv env;
  ASSERT_TRUE(env.orders_arrive({"O-1"}));
  auto s = env.snap();
  EXPECT_EQ(s.step, "pick");
  ASSERT_TRUE(s.next_line.has_value());
  EXPECT_EQ(s.next_line->location, "R1-01");
  EXPECT_EQ(s.next_line->qty_left, 2);

  EXPECT_EQ(env.scan("R1-01").code, "location");
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_EQ(env.devices().light("light-1")->current_pattern(), "accepted");
  EXPECT_EQ(env.snap().next_line->qty_left, 1);
  EXPECT_EQ(env.scan("]C10109506000134352").verdict, "accepted");
  EXPECT_EQ(env.snap().next_line->sku, "B-7");
  EXPECT_EQ(env.scan("4006381333931").verdict, "accepted");
  ASSERT_TRUE(env.run_until([&] { return env.snap().step == "pack"; }));
  EXPECT_EQ(env.snap().phase, "identify");

  const std::string sscc = env.pack_to_label("O-1");
  EXPECT_EQ(sscc.size(), 18u);
  EXPECT_EQ(sscc.substr(0, 8), "04012345");
  auto weight = env.events_of("O-1", "weight.ok").at(0).data;
  EXPECT_DOUBLE_EQ(weight["measured_grams"].to_number<double>(), 725.0);
  EXPECT_DOUBLE_EQ(weight["expected_grams"].to_number<double>(), 720.0);
  EXPECT_DOUBLE_EQ(weight["allowed_deviation_grams"].to_number<double>(), 20.0);

  // The label on the (simulated) paper carries the ship-to and the SSCC.
  ASSERT_TRUE(env.run_until([&] { return env.printer().count() >= 1; }));
  auto render = env.printer().render();
  ASSERT_FALSE(render.labels.empty());
  std::string all;
  for (const auto& f : render.labels.back().fields) all += f.text + "|";
  EXPECT_NE(all.find("Erika Mustermann"), std::string::npos) << all;
  EXPECT_NE(all.find(sscc), std::string::npos) << all;
  EXPECT_NE(all.find("10115 Berlin"), std::string::npos) << all;

  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-1", "pack.completed"));
  EXPECT_EQ(env.snap().order_id, "");
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-1", "order.shipped"));
  auto shipped = env.events_of("O-1", "order.shipped").at(0).data;
  EXPECT_EQ(str(shipped, "carrier"), "DHL");
  EXPECT_EQ(str(shipped, "sscc"), sscc);
  EXPECT_EQ(str(shipped, "tracking"), sscc);

  const std::vector<std::string> expected = {
      "order.received", "pick.started",   "pick.location_confirmed", "pick.item_picked",
      "pick.item_picked", "pick.item_picked", "pick.completed",      "pack.started",
      "weight.ok",        "label.printed",  "label.verified",          "pack.completed",
      "order.shipped"};
  EXPECT_EQ(env.types_of("O-1"), expected);
  // A shipped order refuses further scans.
  EXPECT_EQ(env.scan("O-1").code, "already_shipped");
}

TEST(StationFlow, PickRefusalsReachPickerAndOms) {
  StationEnv env;
  const std::string extra =
      R"(,{"sku":"E-5","gtins":["24012345678905"],"qty":2,"location":"R2-02","allowed_lots":["L1","L2"],"min_shelf_life_days":30},
         {"sku":"D-4","gtins":["036000291452"],"qty":2,"location":"R2-01","capture_serials":true})";
  env.pick_list("O-2", order_body(extra));
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-2"; }));
  struct Case {
    std::string scan;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"5901234123457", "wrong_item"},                                   // GTIN not on the order
      {"4006381333932", "bad_check_digit"},                              // check digit off
      {"HELLO", "unknown_barcode"},                                      // plain text, no alias
      {"]C100201234560000000012", "not_an_item"},                       // an SSCC at pick
      {"]C1012401234567890517250601\x1d" "10L1", "expired"},             // (17) before today
      {"]C1012401234567890517250701\x1d" "10L1", "shelf_life_too_short"},  // < ship + 30 days
      {"]C1012401234567890517251231\x1d" "10L9", "lot_not_allowed"},
      {"]C101123", "bad_length"},                                         // GTIN too short
      {"]C10100036000291452", "serial_missing"},
      {"(01)09506000134352", "bracketed_text"},
      {"]C10109506000134352\x1d", "gs1_separator"},                     // trailing GS
      {"]E009506000134352", "symbology_mismatch"},                        // EAN-13 with 14 digits
      {"]C10109506000134352" "3102000250" "3103000250", "gs1_exclusive_ais"},
      {"R9-99", "unknown_barcode"},
  };
  for (const auto& c : cases) {
    auto verdict = env.scan(c.scan);
    EXPECT_EQ(verdict.verdict, "refused") << c.scan;
    EXPECT_EQ(verdict.code, c.code) << c.scan;
    EXPECT_FALSE(verdict.message.empty());
  }
  EXPECT_EQ(env.devices().light("light-1")->current_pattern(), "rejected");
  // Serial twice, over-pick, a location with nothing left.
  EXPECT_EQ(env.scan("]C10100036000291452" "21SN1").verdict, "accepted");
  EXPECT_EQ(env.scan("]C10100036000291452" "21SN1").code, "serial_duplicate");
  EXPECT_EQ(env.scan("4006381333931").verdict, "accepted");
  EXPECT_EQ(env.scan("4006381333931").code, "over_pick");
  EXPECT_EQ(env.scan("R1-02").code, "wrong_location");
  EXPECT_EQ(env.scan("]C1012401234567890517251231\x1d" "10L2").verdict, "accepted");

  // Every refusal is an event with its reason.
  ASSERT_TRUE(env.wait_event("O-2", "scan.refused", cases.size() + 3));
  auto refused = env.events_of("O-2", "scan.refused");
  EXPECT_EQ(str(refused.at(0).data, "reason"), "wrong_item");
  EXPECT_EQ(str(refused.at(0).data, "step"), "pick");
  EXPECT_EQ(str(refused.at(1).data, "reason"), "bad_check_digit");
  EXPECT_FALSE(str(refused.at(1).data, "detail").empty());

  // A short pick: the OMS hears what is missing; the line is closed.
  std::optional<station::ActionResult> result;
  env.stations().declare_short("st1", 3, "damaged", [&](const station::ActionResult& r) { result = r; });
  ASSERT_TRUE(env.run_until([&] { return result.has_value(); }));
  EXPECT_TRUE(*result) << result->reason();
  auto shorts = env.events_of("O-2", "pick.short");
  ASSERT_EQ(shorts.size(), 1u);
  auto missing = shorts[0].data["missing"].as_array().at(0).as_object();
  EXPECT_EQ(str(missing, "sku"), "D-4");
  EXPECT_EQ(missing["missing"].as_int64(), 1);
  EXPECT_EQ(str(shorts[0].data, "reason"), "damaged");
  EXPECT_EQ(env.scan("]C10100036000291452" "21SN2").code, "line_short");
  // Finish: A-1 twice, E-5 once more → pick complete with the short line.
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_EQ(env.scan("]C1012401234567890517251231\x1d" "10L1").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-2", "pick.completed"));
  EXPECT_TRUE(env.events_of("O-2", "pick.completed")[0].data["short"].as_bool());
}

// A station that picks, packs and ships takes the next order as soon as a parcel is packed; the
// parcel scanned while it picks that next order still ships (and is not an item of it).
TEST(StationFlow, AParcelScannedWhileTheNextOrderIsPickedShips) {
  StationEnv env;
  ASSERT_TRUE(env.orders_arrive({"O-1", "O-2"}));
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_EQ(env.scan("4006381333931").verdict, "accepted");
  ASSERT_TRUE(env.run_until([&] { return env.snap().step == "pack"; }));
  const std::string sscc = env.pack_to_label("O-1");
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-1", "pack.completed"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-2" && env.snap().step == "pick"; }));

  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-1", "order.shipped"));
  EXPECT_EQ(env.snap().order_id, "O-2");
  EXPECT_EQ(env.snap().step, "pick");
  EXPECT_TRUE(env.events_of("O-2", "pick.item_picked").empty());
  EXPECT_TRUE(env.events_of("O-2", "scan.refused").empty());
}

TEST(StationFlow, PackAndShipRefusals) {
  StationEnv env;
  EXPECT_EQ(env.scan("O-404").code, "unknown_order");  // no order at the station, none known
  ASSERT_TRUE(env.orders_arrive({"O-3"}));
  env.pick_all();
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  EXPECT_EQ(env.scan("O-999").code, "wrong_order");
  // Weight outside the tolerance: weight.mismatch, the order is held.
  env.set_weight(800);
  EXPECT_EQ(env.scan("O-3").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-3", "weight.mismatch"));
  ASSERT_TRUE(env.wait_event("O-3", "order.held"));
  EXPECT_EQ(str(env.events_of("O-3", "order.held")[0].data, "reason"), "weight_mismatch");
  EXPECT_EQ(env.snap().last_scan.code, "weight_mismatch");
  EXPECT_EQ(env.scan("9506000134352").code, "order_held");
  // The OMS releases it; the packer fixes the parcel and it weighs again.
  env.set_weight(715);
  auto released = env.apply(command(CommandType::order_release, "O-3"));
  EXPECT_TRUE(released.accepted);
  EXPECT_EQ(released.intercepted_step, "pack");
  ASSERT_TRUE(env.wait_event("O-3", "label.printed"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "verify"; }));
  const std::string sscc = str(env.events_of("O-3", "label.printed")[0].data, "sscc");
  EXPECT_EQ(env.scan("]C100" + std::string("340123450000009997")).code, "wrong_label");
  // Address change after the label printed: reprint, the old label is void.
  auto updated = env.apply(command(CommandType::order_update, "O-3", order_body("", "Hamburg")));
  EXPECT_TRUE(updated.accepted);
  EXPECT_EQ(updated.intercepted_step, "pack");
  ASSERT_TRUE(env.wait_event("O-3", "label.voided"));
  EXPECT_EQ(str(env.events_of("O-3", "label.voided")[0].data, "sscc"), sscc);
  EXPECT_EQ(str(env.events_of("O-3", "label.voided")[0].data, "reason"), "address_changed");
  ASSERT_TRUE(env.wait_event("O-3", "label.printed", 2));
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "verify"; }));
  const std::string new_sscc = str(env.events_of("O-3", "label.printed")[1].data, "sscc");
  EXPECT_NE(new_sscc, sscc);
  EXPECT_EQ(env.scan("]C100" + sscc).code, "label_voided");
  EXPECT_EQ(env.scan("]C100" + new_sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-3", "pack.completed"));
  EXPECT_TRUE(env.events_of("O-3", "order.updated")[0].data["label_reprinted"].as_bool());
  EXPECT_EQ(env.scan("]C100" + sscc).code, "label_voided");
  EXPECT_EQ(env.scan("O-3").verdict, "accepted");  // shipped by order barcode
  ASSERT_TRUE(env.wait_event("O-3", "order.shipped"));
  // An order that is not picked yet cannot be packed.
  ASSERT_TRUE(env.orders_arrive({"O-4", "O-5"}));
  EXPECT_EQ(env.snap().queued_orders, 1);
  EXPECT_EQ(env.scan("O-5").code, "unknown_barcode");  // at pick, an order barcode is no item
}

TEST(StationFlow, BufferFullRefusesTheScan) {
  EnvOptions options;
  options.outbox_max_events = 4;
  StationEnv env(options);
  env.pick_list("O-6");  // order.received, pick.started
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-6"; }));
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  auto verdict = env.scan("4006381333931");
  EXPECT_EQ(verdict.verdict, "refused");
  EXPECT_EQ(verdict.code, "buffer full");
  EXPECT_EQ(env.snap().next_line->sku, "B-7");  // not counted
  EXPECT_EQ(env.snap().next_line->qty_left, 1);
}

TEST(StationFlow, InvalidPickListIsRejectedWithItsIssues) {
  StationEnv env;
  auto out = env.apply(command(CommandType::pick_list, "O-7", R"({"lines":[{"sku":"A-1","qty":0}]})"));
  EXPECT_FALSE(out.accepted);
  EXPECT_EQ(out.code, "invalid_pick_list");
  ASSERT_TRUE(env.wait_event("O-7", "order.rejected"));
  auto rejected = env.events_of("O-7", "order.rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_FALSE(rejected[0].data["issues"].as_array().empty());
  auto nowhere = env.apply(command(CommandType::pick_list, "O-8", order_body(), "st-unknown"));
  EXPECT_FALSE(nowhere.accepted);
  EXPECT_EQ(nowhere.code, "no_station");
}

// The GS1 tolerances are station options: off, a trailing GS is refused; on, the same scan is
// accepted with its warning, shown as attention and sent in pick.item_picked.
TEST(StationFlow, TrailingGsIsRefusedUnlessTheStationToleratesIt) {
  EnvOptions options;
  options.stations_yaml =
      "  - {id: st1, steps: [pick, pack, ship], scale: scale-1, printer: printer-1, light: light-1}\n"
      "  - {id: st2, steps: [pick], gs1_tolerate_trailing_gs: true}\n";
  StationEnv env(options);
  env.pick_list("O-1", order_body(), "st1");
  env.pick_list("O-2", order_body(), "st2");
  ASSERT_TRUE(env.run_until([&] { return env.snap("st1").order_id == "O-1" && env.snap("st2").order_id == "O-2"; }));
  const std::string trailing_gs = "]C10109506000134352\x1d";
  EXPECT_EQ(env.scan(trailing_gs, "st1").code, "gs1_separator");
  const auto tolerated = env.scan(trailing_gs, "st2");
  EXPECT_EQ(tolerated.verdict, "attention");
  EXPECT_EQ(tolerated.code, "trailing_separator");
  ASSERT_TRUE(env.wait_event("O-2", "pick.item_picked"));
  const auto picked = env.events_of("O-2", "pick.item_picked");
  ASSERT_EQ(picked.size(), 1u);
  EXPECT_EQ(boost::json::serialize(picked[0].data.at("warnings")), R"(["trailing_separator"])");
}

}  // namespace
}  // namespace wedge::test
