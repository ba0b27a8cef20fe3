// Cancels arriving at every step, and restarts (the whole stack destroyed and rebuilt over the same
// state_dir) in the middle of every step, against the real simulators.
#include <gtest/gtest.h>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using commands::CommandType;

station::CommandOutcome cancel(StationEnv& env, const std::string& order) {
  return env.apply(command(CommandType::order_cancel, order, R"({"reason":"customer"})"));
}

TEST(StationIntercept, CancelAtEveryStep) {
  StationEnv env;
  // Queued: O-10 is picked, O-11 waits behind it.
  ASSERT_TRUE(env.orders_arrive({"O-10", "O-11"}));
  auto queued = cancel(env, "O-11");
  EXPECT_TRUE(queued.accepted);
  EXPECT_EQ(queued.intercepted_step, "queued");
  EXPECT_EQ(env.snap().queued_orders, 0);

  // Pick, with one item in the tote: refused with the return locations until set aside.
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  auto picking = cancel(env, "O-10");
  EXPECT_EQ(picking.intercepted_step, "pick");
  EXPECT_EQ(picking.intercepted_phase, "picking");
  auto refused = env.scan("4006381333931");
  EXPECT_EQ(refused.code, "order_cancelled");
  EXPECT_EQ(refused.message, "cancelled – return the items to their locations: R1-01");
  EXPECT_EQ(refused.locations, std::vector<std::string>{"R1-01"});
  auto cancelled = env.events_of("O-10", "order.cancelled");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(str(cancelled[0].data, "intercepted_step"), "pick");
  EXPECT_EQ(cancelled[0].data["return_locations"].as_array().size(), 1u);
  EXPECT_EQ(env.scan("O-10").code, "set_aside");
  EXPECT_EQ(env.snap().order_id, "");
  EXPECT_EQ(env.scan("O-10").code, "order_cancelled");  // still refused anywhere later

  // Pack, while weighing (nothing on a stable scale yet: the scale says 0 g → mismatch would hold;
  // so cancel between the order scan and the weight by keeping the scale unstable).
  ASSERT_TRUE(env.orders_arrive({"O-12"}));
  env.pick_all();
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  ASSERT_TRUE(env.scale_sim().command("unstable 50"));
  EXPECT_EQ(env.scan("O-12").verdict, "accepted");
  EXPECT_EQ(env.snap().phase, "weigh");
  auto weighing = cancel(env, "O-12");
  EXPECT_EQ(weighing.intercepted_step, "pack");
  EXPECT_EQ(weighing.intercepted_phase, "weigh");
  ASSERT_TRUE(env.scale_sim().command("stable"));
  env.set_weight(720);
  EXPECT_EQ(env.scan("]C10109506000134352").code, "order_cancelled");
  EXPECT_TRUE(env.events_of("O-12", "weight.ok").empty());
  EXPECT_EQ(env.scan("O-12").code, "set_aside");

  // Pack, label printed and awaiting verification: the label is voided.
  ASSERT_TRUE(env.orders_arrive({"O-13"}));
  env.pick_all();
  const std::string sscc = env.pack_to_label("O-13");
  // This gateway packs: the order goes on here, it is not handed over.
  EXPECT_FALSE(env.events_of("O-13", "pick.completed").front().data.at("handed_over").as_bool());
  auto verifying = cancel(env, "O-13");
  EXPECT_EQ(verifying.intercepted_step, "pack");
  EXPECT_EQ(verifying.intercepted_phase, "verify");
  ASSERT_TRUE(env.wait_event("O-13", "label.voided"));
  EXPECT_EQ(env.scan("]C100" + sscc).code, "order_cancelled");
  EXPECT_EQ(env.scan("O-13").code, "set_aside");

  // Ship: packed, waiting at the dock.
  ASSERT_TRUE(env.orders_arrive({"O-14"}));
  env.pick_all();
  const std::string sscc14 = env.pack_to_label("O-14");
  EXPECT_EQ(env.scan("]C100" + sscc14).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-14", "pack.completed"));
  auto shipping = cancel(env, "O-14");
  EXPECT_EQ(shipping.intercepted_step, "ship");
  auto at_dock = env.scan("]C100" + sscc14);
  EXPECT_EQ(at_dock.code, "order_cancelled");
  EXPECT_TRUE(env.events_of("O-14", "order.shipped").empty());

  // After shipping it is too late: refused, and the OMS is told.
  ASSERT_TRUE(env.orders_arrive({"O-15"}));
  env.pick_all();
  const std::string sscc15 = env.pack_to_label("O-15");
  EXPECT_EQ(env.scan("]C100" + sscc15).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-15", "pack.completed"));
  EXPECT_EQ(env.scan("]C100" + sscc15).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-15", "order.shipped"));
  auto late = cancel(env, "O-15");
  EXPECT_FALSE(late.accepted);
  EXPECT_EQ(late.code, "already_shipped");
  EXPECT_EQ(late.intercepted_step, "shipped");
  EXPECT_TRUE(env.wait_event("O-15", "order.command_refused"));
}

// A gateway whose stations only pick (the OMS routes the picked order to another gateway for pack
// and ship, docs/oms-integration.md): the order ends here at pick.completed, handed over, and
// leaves memory like a shipped one; later commands and scans for it are refused as handed over.
TEST(StationIntercept, APickOnlyGatewayHandsTheOrderOverAtPickCompleted) {
  EnvOptions options;
  options.stations_yaml = "  - {id: st1, steps: [pick], light: light-1}\n";
  options.final_order_in_memory = std::chrono::milliseconds(100);
  StationEnv env(options);
  env.pick_list("O-40");
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-40"; }));
  env.pick_all();
  ASSERT_TRUE(env.wait_event("O-40", "pick.completed"));
  const auto completed = env.events_of("O-40", "pick.completed").front().data;
  EXPECT_TRUE(completed.at("handed_over").as_bool());
  // Out of memory (the open-order count is back to 0), kept in stations.db as handed over.
  ASSERT_TRUE(env.run_until([&] { return env.stations().orders_in_memory() == 0; }));
  EXPECT_TRUE(env.snap().order_id.empty());
  const auto stored = env.stations().order_json("O-40");
  ASSERT_TRUE(stored.has_value());
  EXPECT_NE(stored->find(R"("status":"handed_over")"), std::string::npos) << *stored;

  auto late = cancel(env, "O-40");
  EXPECT_FALSE(late.accepted);
  EXPECT_EQ(late.code, "already_handed_over");
  EXPECT_EQ(late.intercepted_step, "handed_over");
  ASSERT_TRUE(env.wait_event("O-40", "order.command_refused"));
  EXPECT_EQ(str(env.events_of("O-40", "order.command_refused").front().data, "reason"), "already_handed_over");
  const auto update = env.apply(command(CommandType::order_update, "O-40", order_body()));
  EXPECT_EQ(update.code, "already_handed_over");
  const auto tote = env.scan("O-40");
  EXPECT_EQ(tote.code, "already_handed_over");
  EXPECT_EQ(tote.message, "picked and handed over: it is packed at another gateway");

  // A restart reads only open orders: the handed-over one stays out of memory.
  env.restart();
  EXPECT_EQ(env.stations().orders_in_memory(), 0u);
  EXPECT_EQ(cancel(env, "O-40").code, "already_handed_over");
}

TEST(StationIntercept, HoldStopsEveryScanUntilRelease) {
  StationEnv env;
  ASSERT_TRUE(env.orders_arrive({"O-20"}));
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  auto held = env.apply(command(CommandType::order_hold, "O-20", R"({"reason":"stock check"})"));
  EXPECT_TRUE(held.accepted);
  EXPECT_EQ(held.intercepted_step, "pick");
  auto refused = env.scan("9506000134352");
  EXPECT_EQ(refused.code, "order_held");
  EXPECT_NE(refused.message.find("stock check"), std::string::npos);
  EXPECT_TRUE(env.apply(command(CommandType::order_release, "O-20")).accepted);
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_EQ(env.snap().next_line->sku, "B-7");
}

// The station's queue count follows every command that takes an order out of the queue or puts
// it back (it is kept incrementally, not recounted per snapshot), and survives a restart.
TEST(StationIntercept, TheQueueCountFollowsCancelHoldReleaseUpdateAndRestart) {
  StationEnv env;
  for (const char* id : {"O-60", "O-61", "O-62", "O-63", "O-64"}) env.pick_list(id);
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-60"; }));
  EXPECT_EQ(env.snap().queued_orders, 4);
  EXPECT_TRUE(cancel(env, "O-61").accepted);
  EXPECT_EQ(env.snap().queued_orders, 3);
  EXPECT_TRUE(env.apply(command(CommandType::order_hold, "O-62", R"({"reason":"stock check"})")).accepted);
  EXPECT_EQ(env.snap().queued_orders, 2);
  EXPECT_TRUE(env.apply(command(CommandType::order_update, "O-63", order_body("", "Hamburg"))).accepted);
  EXPECT_EQ(env.snap().queued_orders, 2);
  EXPECT_TRUE(env.apply(command(CommandType::order_release, "O-62")).accepted);
  EXPECT_EQ(env.snap().queued_orders, 3);
  env.restart();
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-60"; }));
  EXPECT_EQ(env.snap().queued_orders, 3);
  // The current order ends: the next one leaves the queue for the station.
  EXPECT_TRUE(cancel(env, "O-60").accepted);
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-62" || env.snap().order_id == "O-63"; }));
  EXPECT_EQ(env.snap().queued_orders, 2);
}

TEST(StationIntercept, RestartInEveryStepResumesExactly) {
  StationEnv env;
  ASSERT_TRUE(env.orders_arrive({"O-30", "O-31"}));
  // Mid-pick.
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  env.restart();
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-30"; }));
  EXPECT_EQ(env.snap().step, "pick");
  EXPECT_EQ(env.snap().next_line->sku, "A-1");
  EXPECT_EQ(env.snap().next_line->qty_left, 1);
  EXPECT_EQ(env.snap().queued_orders, 1);
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_EQ(env.scan("4006381333931").verdict, "accepted");
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  // Pack, waiting for the order scan.
  env.restart();
  EXPECT_EQ(env.snap().order_id, "O-30");
  EXPECT_EQ(env.snap().step, "pack");
  EXPECT_EQ(env.snap().phase, "identify");
  // Pack, weighing (scale unstable): after the restart the weighing is asked again.
  ASSERT_TRUE(env.scale_sim().command("unstable 50"));
  EXPECT_EQ(env.scan("O-30").verdict, "accepted");
  env.restart();
  EXPECT_EQ(env.snap().phase, "weigh");
  env.set_weight(721);
  ASSERT_TRUE(env.scale_sim().command("stable"));
  ASSERT_TRUE(env.wait_event("O-30", "label.printed"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "verify"; }));
  // Pack, label printed, awaiting verification.
  const std::string sscc = str(env.events_of("O-30", "label.printed")[0].data, "sscc");
  env.restart();
  EXPECT_EQ(env.snap().phase, "verify");
  EXPECT_EQ(env.snap().label_sscc, sscc);
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-30", "pack.completed"));
  // Ship: packed, not yet shipped; the station has taken the next order meanwhile.
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-31"; }));
  env.restart();
  EXPECT_EQ(env.snap().order_id, "O-31");
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-30", "order.shipped"));
  // Exactly one event of each kind for O-30 across four restarts.
  EXPECT_EQ(env.events_of("O-30", "weight.ok").size(), 1u);
  EXPECT_EQ(env.events_of("O-30", "label.printed").size(), 1u);
  EXPECT_EQ(env.events_of("O-30", "pick.item_picked").size(), 3u);
  EXPECT_EQ(env.printer().count(), 1);
}

// An accepted item scan stores one pick row, not the order's record (issue 23): a big order with a
// serial per unit, restarted mid-pick, comes back exactly as it was, serials included.
TEST(StationIntercept, ABigOrderIsRestoredExactlyAfterARestartMidPick) {
  StationEnv env;
  env.pick_list("O-BIG", order_body(R"(,{"sku":"D-4","gtins":["036000291452"],"qty":400,"location":"R2-01",
                                          "capture_serials":true})"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-BIG"; }));
  auto serial_scan = [](int unit) { return "]C10100036000291452" "21SN" + std::to_string(unit); };
  for (int unit = 0; unit < 80; ++unit) ASSERT_EQ(env.scan(serial_scan(unit)).verdict, "accepted") << unit;
  EXPECT_EQ(env.scan("R1-01").code, "location");  // a whole save of the record between the picks
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  for (int unit = 80; unit < 160; ++unit) ASSERT_EQ(env.scan(serial_scan(unit)).verdict, "accepted") << unit;
  const auto before = env.stations().order_json("O-BIG");
  ASSERT_TRUE(before);
  env.restart();
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-BIG"; }));
  EXPECT_EQ(env.stations().order_json("O-BIG"), before);
  EXPECT_EQ(env.scan(serial_scan(42)).code, "serial_duplicate");
  EXPECT_EQ(env.scan(serial_scan(160)).verdict, "accepted");
  env.restart();
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-BIG"; }));
  EXPECT_EQ(env.scan(serial_scan(160)).code, "serial_duplicate");
  EXPECT_EQ(env.events_of("O-BIG", "pick.item_picked").size(), 162u);
}

TEST(StationIntercept, PackAndShipOnlyStationsIdentifyByScan) {
  EnvOptions options;
  options.stations_yaml =
      "  - {id: pk1, steps: [pick], group: zone-a}\n"
      "  - {id: pk2, steps: [pick], group: zone-a}\n"
      "  - {id: pa1, steps: [pack], scale: scale-1, printer: printer-1, light: light-1}\n"
      "  - {id: sh1, steps: [ship]}\n";
  StationEnv env(options);
  const std::string body = order_body();
  auto grouped = body.substr(0, body.size() - 1) + R"(,"station_group":"zone-a"})";
  env.pick_list("O-40", grouped, "zone-a");
  env.pick_list("O-41", grouped, "zone-a");
  ASSERT_TRUE(env.run_until([&] { return env.snap("pk1").order_id == "O-40" && env.snap("pk2").order_id == "O-41"; }));
  env.pick_all("pk1");
  ASSERT_TRUE(env.run_until([&] { return env.snap("pk1").order_id.empty(); }));
  EXPECT_EQ(env.scan("O-41", "pa1").code, "not_picked");
  env.set_weight(720);
  EXPECT_EQ(env.scan("O-40", "pa1").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-40", "label.printed"));
  ASSERT_TRUE(env.run_until([&] { return env.snap("pa1").phase == "verify"; }));
  const std::string sscc = str(env.events_of("O-40", "label.printed")[0].data, "sscc");
  EXPECT_EQ(env.scan("]C100" + sscc, "sh1").code, "wrong_step");
  EXPECT_EQ(env.scan("]C100" + sscc, "pa1").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-40", "pack.completed"));
  EXPECT_EQ(env.scan("]C100" + sscc, "sh1").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-40", "order.shipped"));
  EXPECT_EQ(env.events_of("O-40", "order.shipped")[0].station, "sh1");
}

}  // namespace
}  // namespace wedge::test
