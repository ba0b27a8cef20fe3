// The at-risk rule of the stored workflow state (workflow_order.hpp): time limits per step.
#include <gtest/gtest.h>

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
  auto back = order_record_from_json(order_record_json(o));
  ASSERT_TRUE(back.has_value()) << back.reason();
  EXPECT_TRUE(back->at_risk_reported.contains("pick"));
  EXPECT_EQ(back->pick_list.time_limits.pick_s, 30);
  EXPECT_FALSE(back->pick_list.time_limits.pack_s.has_value());
}

}  // namespace
}  // namespace wedge::station
