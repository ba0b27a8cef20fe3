// The stored workflow state of an order survives a JSON round trip field by field, and damaged
// rows are refused rather than half-loaded.
#include <gtest/gtest.h>

#include "daemon/station/workflow_order.hpp"

namespace wedge::station {
namespace {

OrderRecord sample() {
  OrderRecord r;
  r.order_id = "O-1";
  r.rank = 7;
  r.command_station = "st1";
  r.target = "st1";
  r.pick_list_json = R"({"lines":[{"sku":"A-1","gtins":["09506000134352"],"qty":2,"location":"R1-01"},
                                  {"sku":"B-7","qty":1,"location":"R1-02"}]})";
  auto parsed = parse_pick_list_json(r.order_id, r.command_station, r.pick_list_json);
  EXPECT_TRUE(parsed);
  r.pick_list = *parsed;
  r.pick.lines.resize(2);
  r.pick.lines[0].picked = 1;
  r.pick.lines[0].serials = {"SN1"};
  r.short_lines = {1};
  r.step = Step::pack;
  r.phase = Phase::verify;
  r.status = OrderStatus::held;
  r.station = "st1";
  r.hold_reason = "weight_mismatch";
  r.measured_grams = 725.5;
  r.label.state = LabelState::printed;
  r.label.job_id = "job-1";
  r.label.sscc = "340123450000009997";
  r.label.voided_sscc = {"340123450000000001"};
  r.times["pick"] = {100, 200};
  return r;
}

TEST(WorkflowOrder, RoundTripKeepsEveryField) {
  const auto r = sample();
  auto back = order_record_from_json(order_record_json(r));
  ASSERT_TRUE(back) << back.reason();
  EXPECT_EQ(back->rank, 7);
  EXPECT_EQ(back->pick.lines[0].picked, 1);
  EXPECT_EQ(back->pick.lines[0].serials.count("SN1"), 1u);
  EXPECT_EQ(back->short_lines, std::set<int>{1});
  EXPECT_EQ(back->step, Step::pack);
  EXPECT_EQ(back->phase, Phase::verify);
  EXPECT_EQ(back->status, OrderStatus::held);
  EXPECT_EQ(back->hold_reason, "weight_mismatch");
  EXPECT_DOUBLE_EQ(back->measured_grams.value(), 725.5);
  EXPECT_EQ(back->label.state, LabelState::printed);
  EXPECT_EQ(back->label.sscc, "340123450000009997");
  EXPECT_EQ(back->label.voided_sscc.size(), 1u);
  EXPECT_EQ(back->times["pick"].finished_unix_ms, 200);
  EXPECT_EQ(back->pick_list.lines.size(), 2u);
  EXPECT_EQ(order_record_json(*back), order_record_json(r));
}

TEST(WorkflowOrder, DerivedViews) {
  auto r = sample();
  EXPECT_EQ(r.next_line(), 0);
  EXPECT_FALSE(r.pick_finished());
  EXPECT_EQ(r.return_locations(), std::vector<std::string>{"R1-01"});
  EXPECT_EQ(r.intercept_step(), "pack");
  r.pick.lines[0].picked = 2;
  EXPECT_TRUE(r.pick_finished());
  OrderRecord fresh = sample();
  fresh.step = Step::pick;
  fresh.station.clear();
  fresh.pick.lines[0].picked = 0;
  fresh.short_lines.clear();
  EXPECT_EQ(fresh.intercept_step(), "queued");
}

TEST(WorkflowOrder, DamagedRowsAreRefused) {
  const auto not_json = order_record_from_json("not json");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, core::Errc::invalid_argument);
  EXPECT_FALSE(not_json.reason().empty());
  auto text = order_record_json(sample());
  auto pos = text.find("\"verify\"");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 8, "\"bogus\"");
  EXPECT_FALSE(order_record_from_json(text));
  EXPECT_FALSE(order_record_from_json(R"({"order_id":"O","pick_list":"{}"})"));
}

}  // namespace
}  // namespace wedge::station
