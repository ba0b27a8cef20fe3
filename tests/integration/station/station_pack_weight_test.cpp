// The pack step's expected weight against the real scale and printer simulators (issue 20 item 1):
// a parcel is weighed against what was picked, so a short pick ships without the OMS; a station
// with `weight_basis: ordered` keeps the old check against the ordered weight and holds it.
#include <gtest/gtest.h>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

double grams(const boost::json::object& o, const char* key) { return o.at(key).to_number<double>(); }

// Picks order_body() at st1 one A-1 short (line 0): 120 g packaging + 250 g + 100 g = 470 g picked
// of 720 g ordered.
void pick_one_short(StationEnv& env, const std::string& order_id) {
  env.pick_list(order_id);
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == order_id; }));
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  std::optional<station::ActionResult> result;
  env.stations().declare_short("st1", 0, "not_found", [&](const station::ActionResult& r) { result = r; });
  ASSERT_TRUE(env.run_until([&] { return result.has_value(); }));
  ASSERT_TRUE(*result) << result->reason();
  EXPECT_EQ(env.scan("4006381333931").verdict, "accepted");
  ASSERT_TRUE(env.wait_event(order_id, "pick.completed"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
}

TEST(PackWeight, AShortPickShipsWithoutTheOms) {
  StationEnv env;
  pick_one_short(env, "O-S1");
  // The screen expects the picked weight before the parcel is weighed.
  env.set_weight(475);
  EXPECT_EQ(env.scan("O-S1").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-S1", "weight.ok")) << "types: " << testing::PrintToString(env.types_of("O-S1"));
  auto started = env.events_of("O-S1", "pack.started").at(0).data;
  EXPECT_DOUBLE_EQ(grams(started, "expected_grams"), 470.0);
  EXPECT_DOUBLE_EQ(grams(started, "ordered_grams"), 720.0);
  EXPECT_DOUBLE_EQ(grams(started, "picked_grams"), 470.0);
  EXPECT_EQ(started.at("weight_basis").as_string(), "picked");
  auto weight = env.events_of("O-S1", "weight.ok").at(0).data;
  EXPECT_DOUBLE_EQ(grams(weight, "measured_grams"), 475.0);
  EXPECT_DOUBLE_EQ(grams(weight, "expected_grams"), 470.0);
  EXPECT_DOUBLE_EQ(grams(weight, "ordered_grams"), 720.0);
  EXPECT_DOUBLE_EQ(grams(weight, "picked_grams"), 470.0);
  EXPECT_DOUBLE_EQ(grams(weight, "allowed_deviation_grams"), 20.0);  // max(20 g, 2.5 % of 470 g)

  ASSERT_TRUE(env.wait_event("O-S1", "label.printed"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "verify"; }));
  const std::string sscc(env.events_of("O-S1", "label.printed").at(0).data.at("sscc").as_string());
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-S1", "pack.completed"));
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-S1", "order.shipped"));
  EXPECT_TRUE(env.events_of("O-S1", "weight.mismatch").empty());
  EXPECT_TRUE(env.events_of("O-S1", "order.held").empty());
}

TEST(PackWeight, TheOrderedBasisHoldsAShortPickAsBefore) {
  EnvOptions options;
  options.stations_yaml =
      "  - {id: st1, steps: [pick, pack, ship], scale: scale-1, printer: printer-1, light: light-1, "
      "weight_basis: ordered}\n";
  StationEnv env(options);
  pick_one_short(env, "O-S2");
  env.set_weight(475);
  EXPECT_EQ(env.scan("O-S2").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-S2", "weight.mismatch"));
  ASSERT_TRUE(env.wait_event("O-S2", "order.held"));
  auto weight = env.events_of("O-S2", "weight.mismatch").at(0).data;
  EXPECT_EQ(weight.at("weight_basis").as_string(), "ordered");
  EXPECT_DOUBLE_EQ(grams(weight, "expected_grams"), 720.0);
  EXPECT_DOUBLE_EQ(grams(weight, "picked_grams"), 470.0);
  EXPECT_DOUBLE_EQ(grams(weight, "deviation_grams"), -245.0);
}

}  // namespace
}  // namespace wedge::test
