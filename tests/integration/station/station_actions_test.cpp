// The station screen's buttons (next order, reprint label) against the real simulators: each acts
// as the scan it stands for, and is refused with a reason where that scan would be.
#include <gtest/gtest.h>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using commands::CommandType;

station::ActionResult press(StationEnv& env, bool next, const std::string& station) {
  std::optional<station::ActionResult> result;
  auto done = [&](const station::ActionResult& r) { result = r; };
  if (next) env.stations().next_order(station, done);
  else env.stations().reprint_label(station, done);
  EXPECT_TRUE(env.run_until([&] { return result.has_value(); }));
  return result.value_or(station::ActionRefusal{core::Errc::internal, "no reply", {}});
}

TEST(StationActions, ReprintVoidsTheLostLabelAndPrintsANewOne) {
  StationEnv env;
  ASSERT_TRUE(env.orders_arrive({"O-1"}));
  auto early = press(env, false, "st1");
  EXPECT_FALSE(early);
  EXPECT_EQ(early.reason(), "no order is being packed here");
  env.pick_all();
  const std::string old_sscc = env.pack_to_label("O-1");

  auto r = press(env, false, "st1");
  EXPECT_TRUE(r) << r.reason();
  EXPECT_EQ(r->order_id, "O-1");
  ASSERT_TRUE(env.wait_event("O-1", "label.printed", 2));
  auto voided = env.events_of("O-1", "label.voided");
  ASSERT_EQ(voided.size(), 1u);
  EXPECT_EQ(str(voided[0].data, "sscc"), old_sscc);
  EXPECT_EQ(str(voided[0].data, "reason"), "reprint");
  const std::string new_sscc = str(env.events_of("O-1", "label.printed")[1].data, "sscc");
  EXPECT_NE(new_sscc, old_sscc);
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "verify"; }));
  EXPECT_EQ(env.scan("]C100" + old_sscc).code, "label_voided");
  EXPECT_EQ(env.scan("]C100" + new_sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-1", "pack.completed"));
  EXPECT_EQ(env.printer().count(), 2);
}

TEST(StationActions, NextOrderSetsACancelledOrderAsideButNotAnActiveOne) {
  StationEnv env;
  ASSERT_TRUE(env.orders_arrive({"O-2", "O-3"}));
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  auto busy = press(env, true, "st1");
  EXPECT_FALSE(busy);
  EXPECT_FALSE(busy.error().not_here());
  EXPECT_NE(busy.reason().find("finish order O-2"), std::string::npos) << busy.reason();

  EXPECT_TRUE(env.apply(command(CommandType::order_cancel, "O-2")).accepted);
  ASSERT_EQ(env.snap().order_id, "O-2");  // items to return: the station keeps it
  auto next = press(env, true, "st1");
  EXPECT_TRUE(next) << next.reason();
  ASSERT_TRUE(env.wait_event("O-2", "order.set_aside"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-3"; }));
}

TEST(StationActions, NextOrderAtAFreePackStationStartsTheOldestPickedOrder) {
  EnvOptions options;
  options.stations_yaml =
      "  - {id: pk1, steps: [pick]}\n"
      "  - {id: pa1, steps: [pack], scale: scale-1, printer: printer-1, light: light-1}\n"
      "  - {id: sh1, steps: [ship]}\n";
  StationEnv env(options);
  auto none = press(env, true, "pa1");
  EXPECT_FALSE(none);
  EXPECT_EQ(none.reason(), "no picked order is waiting to be packed");
  auto ship = press(env, true, "sh1");
  EXPECT_FALSE(ship);
  EXPECT_TRUE(ship.error().not_here());
  auto no_label = press(env, false, "sh1");
  EXPECT_TRUE(no_label.error().not_here());

  env.pick_list("O-4", order_body(), "pk1");
  ASSERT_TRUE(env.run_until([&] { return env.snap("pk1").order_id == "O-4"; }));
  env.pick_all("pk1");
  ASSERT_TRUE(env.wait_event("O-4", "pick.completed"));
  env.set_weight(720);
  auto next = press(env, true, "pa1");
  EXPECT_TRUE(next) << next.reason();
  EXPECT_EQ(next->order_id, "O-4");
  ASSERT_TRUE(env.wait_event("O-4", "pack.started"));
  ASSERT_TRUE(env.wait_event("O-4", "label.printed"));
  EXPECT_EQ(env.snap("pa1").order_id, "O-4");
}

}  // namespace
}  // namespace wedge::test
