// The at-risk rules of the stored workflow state (workflow_order.hpp): time limits per step, the
// early warning at a share of the limit, and the ship_by prediction (ship_prediction.hpp).
#include <gtest/gtest.h>

#include "daemon/station/ship_prediction.hpp"
#include "daemon/station/workflow_order.hpp"

namespace wedge::station {
namespace {

constexpr std::int64_t kT0 = 1'780'000'000'000;  // a minute boundary is irrelevant here

OrderRecord order_received_at(std::int64_t t) {
  OrderRecord o;
  o.order_id = "O-1";
  o.received_unix_ms = t;
  return o;
}

TEST(AtRisk, EachStepCountsFromTheEndOfThePreviousOne) {
  TimeLimits limits{60, 120, 300};
  auto o = order_received_at(kT0);
  EXPECT_FALSE(check_at_risk(o, limits, kT0 + 60'000).has_value());  // exactly at the limit: not late
  auto risk = check_at_risk(o, limits, kT0 + 61'500);
  ASSERT_TRUE(risk.has_value());
  EXPECT_EQ(risk->step, Step::pick);
  EXPECT_EQ(risk->since_unix_ms, kT0);
  EXPECT_EQ(risk->limit_s, 60);
  EXPECT_EQ(risk->elapsed_ms, 61'500);

  o.at_risk_reported.insert("pick");
  EXPECT_FALSE(check_at_risk(o, limits, kT0 + 100'000).has_value());  // reported once per step

  o.step = Step::pack;
  o.times["pick"] = {kT0 + 10'000, kT0 + 50'000};
  EXPECT_FALSE(check_at_risk(o, limits, kT0 + 170'000).has_value());
  risk = check_at_risk(o, limits, kT0 + 170'001);
  ASSERT_TRUE(risk.has_value());
  EXPECT_EQ(risk->step, Step::pack);
  EXPECT_EQ(risk->since_unix_ms, kT0 + 50'000);

  o.step = Step::ship;
  o.times["pack"] = {kT0 + 60'000, kT0 + 100'000};
  risk = check_at_risk(o, limits, kT0 + 400'001);
  ASSERT_TRUE(risk.has_value());
  EXPECT_EQ(risk->step, Step::ship);
  EXPECT_EQ(risk->limit_s, 300);
}

TEST(AtRisk, PickListLimitsWinAndFinalOrdersAreNeverLate) {
  TimeLimits limits{900, 600, 3600};
  auto o = order_received_at(kT0);
  o.pick_list.time_limits.pick_s = 5;
  EXPECT_TRUE(check_at_risk(o, limits, kT0 + 5'001).has_value());
  o.status = OrderStatus::held;  // held orders still wait: the customer does not care why
  EXPECT_TRUE(check_at_risk(o, limits, kT0 + 5'001).has_value());
  o.status = OrderStatus::cancelled;
  EXPECT_FALSE(check_at_risk(o, limits, kT0 + 10'000'000).has_value());
  o.status = OrderStatus::shipped;
  EXPECT_FALSE(check_at_risk(o, limits, kT0 + 10'000'000).has_value());
}

TEST(AtRisk, ReportedStepsSurviveTheStoredRecord) {
  auto o = order_received_at(kT0);
  o.pick_list_json = R"({"lines":[{"sku":"A","qty":1}],"time_limits":{"pick_s":30}})";
  o.command_station = "S1";
  o.at_risk_reported.insert("pick");
  o.at_risk_warned.insert("pick");
  o.ship_by_at_risk = true;
  auto back = order_record_from_json(order_record_json(o));
  ASSERT_TRUE(back.has_value()) << back.reason();
  EXPECT_TRUE(back->at_risk_reported.contains("pick"));
  EXPECT_TRUE(back->at_risk_warned.contains("pick"));
  EXPECT_TRUE(back->ship_by_at_risk);
  EXPECT_EQ(back->pick_list.time_limits.pick_s, 30);
  EXPECT_FALSE(back->pick_list.time_limits.pack_s.has_value());
}

TEST(AtRisk, EarlyWarningAtTheShareOfTheLimitBeforeItIsBlown) {
  TimeLimits limits{60, 120, 300};
  auto o = order_received_at(kT0);
  EXPECT_FALSE(check_step_warning(o, limits, 80, kT0 + 48'000).has_value());  // exactly 80 %: not yet
  auto warning = check_step_warning(o, limits, 80, kT0 + 48'001);
  ASSERT_TRUE(warning.has_value());
  EXPECT_EQ(warning->step, Step::pick);
  EXPECT_EQ(warning->limit_s, 60);
  EXPECT_EQ(warning->elapsed_ms, 48'001);
  EXPECT_FALSE(check_step_warning(o, limits, 0, kT0 + 59'000).has_value());       // 0 = off
  EXPECT_FALSE(check_step_warning(o, limits, 80, kT0 + 60'001).has_value());      // past the limit: late instead
  o.at_risk_warned.insert("pick");
  EXPECT_FALSE(check_step_warning(o, limits, 80, kT0 + 50'000).has_value());      // once per step
  o.step = Step::pack;  // the next step has its own warning
  o.times["pick"] = {kT0, kT0 + 50'000};
  EXPECT_TRUE(check_step_warning(o, limits, 80, kT0 + 50'000 + 96'001).has_value());
  o.at_risk_reported.insert("pack");
  EXPECT_FALSE(check_step_warning(o, limits, 80, kT0 + 50'000 + 96'001).has_value());
}

TEST(ShipPrediction, RestOfTheCurrentStepPlusTheLaterStepsMeasuredOrLimit) {
  auto o = order_received_at(kT0);
  o.step = Step::pack;
  o.times["pick"] = {kT0, kT0 + 30'000};
  o.times["pack"] = {kT0 + 40'000, 0};
  const std::map<Step, StepEstimate> estimates = {{Step::pick, {20.0, 900}},
                                                  {Step::pack, {50.0, 600}},
                                                  {Step::ship, {std::nullopt, 3600}}};
  // 10 s into pack: 40 s of its median left, then ship at its limit (nothing measured).
  auto p = predict_ship(o, estimates, kT0 + 50'000);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ship_at_unix_ms, kT0 + 50'000 + 40'000 + 3'600'000);
  EXPECT_EQ(p->basis, (std::map<std::string, std::string>{{"pack", "measured"}, {"ship", "limit"}}));
  // Past the median: nothing left of pack, never less.
  p = predict_ship(o, estimates, kT0 + 200'000);
  EXPECT_EQ(p->ship_at_unix_ms, kT0 + 200'000 + 3'600'000);
  // Waiting for a station (not started): the whole step counts.
  o.times.erase("pack");
  p = predict_ship(o, estimates, kT0 + 200'000);
  EXPECT_EQ(p->ship_at_unix_ms, kT0 + 200'000 + 50'000 + 3'600'000);
  // A step no station here does is not counted; final orders have no prediction.
  p = predict_ship(o, {{Step::pack, {50.0, 600}}}, kT0 + 200'000);
  EXPECT_EQ(p->ship_at_unix_ms, kT0 + 250'000);
  o.status = OrderStatus::shipped;
  EXPECT_FALSE(predict_ship(o, estimates, kT0).has_value());
}

TEST(ShipPrediction, AtRiskPastTheCutOffBackOnTrackWhenItRecovers) {
  auto o = order_received_at(kT0);
  EXPECT_EQ(ship_by_change(o, kT0 + 1'000'000), ShipByChange::none);  // no ship_by
  o.pick_list.ship_by_unix_ms = kT0 + 600'000;
  EXPECT_EQ(ship_by_change(o, kT0 + 600'000), ShipByChange::none);  // on the cut-off: in time
  EXPECT_EQ(ship_by_change(o, kT0 + 600'001), ShipByChange::at_risk);
  o.ship_by_at_risk = true;
  EXPECT_EQ(ship_by_change(o, kT0 + 700'000), ShipByChange::none);  // reported once
  EXPECT_EQ(ship_by_change(o, kT0 + 500'000), ShipByChange::back_on_track);
  o.status = OrderStatus::cancelled;
  EXPECT_EQ(ship_by_change(o, kT0 + 500'000), ShipByChange::none);
}

}  // namespace
}  // namespace wedge::station
