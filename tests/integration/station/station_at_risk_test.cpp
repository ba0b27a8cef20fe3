// Warnings before the promise breaks (docs/workflows.md, "Orders at risk"), through the real
// simulators: the early warning at the configured share of a step limit comes before the limit
// is blown, an order predicted to ship after its ship_by is reported before the cut-off and again
// (order.back_on_track) once the prediction recovers, the prediction uses the station's measured
// step durations once there are any, and the screens list the orders at risk. Time passes for
// real: the limits are seconds, the cut-offs minutes, and every wait is on an event or snapshot.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "daemon/core/rfc3339.hpp"
#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using namespace std::chrono_literals;

std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t time_of(const boost::json::object& data, const char* key) {
  return core::parse_rfc3339_ms(str(data, key)).value_or(-1);
}

// order_body() with extra top-level fields.
std::string body_with(const std::string& fields) {
  std::string body = order_body();
  body.insert(body.size() - 1, "," + fields);
  return body;
}

std::vector<Event> with_reason(const std::vector<Event>& events, const std::string& reason) {
  std::vector<Event> out;
  for (const auto& e : events)
    if (str(e.data, "reason") == reason) out.push_back(e);
  return out;
}

// A copy, not a pointer: the snapshot is often a temporary (env.snap()).
std::optional<station::AtRiskOrder> listed(const station::StationSnapshot& snap, const std::string& order_id) {
  for (const auto& r : snap.orders_at_risk)
    if (r.order_id == order_id) return r;
  return std::nullopt;
}

TEST(OrderAtRisk, EarlyWarningAtTheConfiguredShareComesBeforeTheLimit) {
  EnvOptions options;
  options.at_risk_check = 50ms;
  options.stations_yaml =
      "  - {id: st1, steps: [pick, pack, ship], scale: scale-1, printer: printer-1, light: light-1,"
      " time_limits: {pick_s: 6, warn_at_percent: 50}}\n";
  StationEnv env(options);
  ASSERT_TRUE(env.orders_arrive({"O-1"}));

  ASSERT_TRUE(env.run_until([&] { return !with_reason(env.events_of("O-1", "order.at_risk"), "step_limit_near").empty(); }))
      << testing::PrintToString(env.types_of("O-1"));
  const auto warning = with_reason(env.events_of("O-1", "order.at_risk"), "step_limit_near").at(0);
  EXPECT_EQ(str(warning.data, "step"), "pick");
  EXPECT_EQ(warning.data.at("limit_s").as_int64(), 6);
  EXPECT_EQ(warning.data.at("warn_at_percent").as_int64(), 50);
  EXPECT_GT(warning.data.at("elapsed_s").to_number<double>(), 3.0);
  EXPECT_LE(warning.data.at("elapsed_s").to_number<double>(), 6.0);  // before the limit is blown
  EXPECT_LE(warning.data.at("late_s").to_number<double>(), 0.0);
  EXPECT_TRUE(warning.data.at("ship_by").is_null());  // no cut-off on this pick list
  ASSERT_TRUE(env.run_until([&] {
    const auto r = listed(env.snap(), "O-1");
    return r && r->reason == "step_limit_near";
  })) << "the screen does not list the warned order";

  // Then the limit itself, once; the warning is not repeated.
  ASSERT_TRUE(env.run_until([&] { return !with_reason(env.events_of("O-1", "order.at_risk"), "step_limit").empty(); }));
  const auto late = with_reason(env.events_of("O-1", "order.at_risk"), "step_limit").at(0);
  EXPECT_LT(warning.seq, late.seq);
  EXPECT_GT(late.data.at("late_s").to_number<double>(), 0.0);
  ASSERT_TRUE(env.run_until([&] {
    const auto r = listed(env.snap(), "O-1");
    return r && r->reason == "step_limit";
  }));
  EXPECT_EQ(env.events_of("O-1", "order.at_risk").size(), 2u);
  EXPECT_TRUE(env.run_until([&] {  // both count in the KPIs once committed
    const auto& totals = env.stations().kpis().totals();
    return totals.contains("st1") && totals.at("st1").at_risk.contains("pick") &&
           totals.at("st1").at_risk.at("pick") == 2;
  }));
}

TEST(OrderAtRisk, ShipByWarnedBeforeTheCutOffAndBackOnTrackAfterRecovery) {
  EnvOptions options;
  options.at_risk_check = 50ms;
  StationEnv env(options);
  // Nothing measured yet: each step counts its limit, 600 + 5 + 5 s, far past a cut-off 2 minutes
  // away; once picked, 5 + 5 s are left and the order is back on track.
  const auto ship_by = wall_now_ms() + 120'000;
  env.pick_list("O-1", body_with(R"("ship_by":")" + core::format_rfc3339_ms(ship_by) +
                                 R"(","time_limits":{"pick_s":600,"pack_s":5,"ship_s":5})"));
  ASSERT_TRUE(env.run_until([&] { return !env.events_of("O-1", "order.at_risk").empty(); }))
      << testing::PrintToString(env.types_of("O-1"));
  EXPECT_LT(wall_now_ms(), ship_by);  // warned before the cut-off
  const auto risk = env.events_of("O-1", "order.at_risk").at(0).data;
  EXPECT_EQ(str(risk, "reason"), "ship_by");
  EXPECT_EQ(str(risk, "step"), "pick");
  EXPECT_EQ(time_of(risk, "ship_by"), ship_by);
  EXPECT_GT(time_of(risk, "predicted_ship_at"), ship_by);
  EXPECT_GT(risk.at("predicted_late_s").to_number<double>(), 400.0);
  EXPECT_LT(risk.at("elapsed_s").to_number<double>(), risk.at("limit_s").to_number<double>());  // before the limit
  EXPECT_EQ(risk.at("basis"), (boost::json::object{{"pick", "limit"}, {"pack", "limit"}, {"ship", "limit"}}));
  ASSERT_TRUE(env.run_until([&] {
    const auto r = listed(env.snap(), "O-1");
    return r && r->reason == "ship_by" && r->ship_by_unix_ms == ship_by;
  })) << "the screen does not list the order at risk";

  env.pick_all();
  ASSERT_TRUE(env.wait_event("O-1", "order.back_on_track")) << testing::PrintToString(env.types_of("O-1"));
  const auto back = env.events_of("O-1", "order.back_on_track").at(0).data;
  EXPECT_EQ(str(back, "reason"), "ship_by");
  EXPECT_EQ(str(back, "step"), "pack");
  EXPECT_LE(time_of(back, "predicted_ship_at"), ship_by);
  EXPECT_LT(back.at("predicted_late_s").to_number<double>(), 0.0);
  EXPECT_EQ(back.at("basis"), (boost::json::object{{"pack", "limit"}, {"ship", "limit"}}));
  ASSERT_TRUE(env.run_until([&] { return !listed(env.snap(), "O-1"); }));
  EXPECT_EQ(env.events_of("O-1", "order.at_risk").size(), 1u);

  // The station has measured a pick now: the next order's pick counts that (seconds), not its
  // 600 s limit, and its 60 s pack limit still misses a cut-off 30 s away.
  const auto soon = wall_now_ms() + 30'000;
  env.pick_list("O-2", body_with(R"("ship_by":")" + core::format_rfc3339_ms(soon) +
                                 R"(","time_limits":{"pick_s":600,"pack_s":60,"ship_s":5})"));
  ASSERT_TRUE(env.wait_event("O-2", "order.at_risk")) << testing::PrintToString(env.types_of("O-2"));
  const auto measured = env.events_of("O-2", "order.at_risk").at(0).data;
  EXPECT_EQ(str(measured, "reason"), "ship_by");
  EXPECT_EQ(measured.at("basis"), (boost::json::object{{"pick", "measured"}, {"pack", "limit"}, {"ship", "limit"}}));
  EXPECT_LT(time_of(measured, "predicted_ship_at"), wall_now_ms() + 120'000);
  // O-2 waits for st1 (which still packs O-1): its screen lists it.
  ASSERT_TRUE(env.run_until([&] { return listed(env.snap(), "O-2").has_value(); }));
  EXPECT_EQ(env.snap().order_id, "O-1");

  // The OMS takes the cut-off away: nothing left to miss, no event about it.
  const auto update = env.apply(command(commands::CommandType::order_update, "O-2",
                                        body_with(R"("time_limits":{"pick_s":600,"pack_s":60,"ship_s":5})")));
  ASSERT_TRUE(update.accepted) << update.code << ": " << update.reason;
  ASSERT_TRUE(env.run_until([&] { return !listed(env.snap(), "O-2"); }));
  EXPECT_TRUE(env.events_of("O-2", "order.back_on_track").empty());
}

TEST(OrderAtRisk, AShipByThatIsNoRfc3339TimeRejectsThePickList) {
  StationEnv env;
  auto out = env.apply(command(commands::CommandType::pick_list, "O-3", body_with(R"("ship_by":"tomorrow 5 pm")")));
  EXPECT_FALSE(out.accepted);
  EXPECT_EQ(out.code, "invalid_pick_list");
  ASSERT_TRUE(env.wait_event("O-3", "order.rejected"));
  const auto issue = env.events_of("O-3", "order.rejected").at(0).data.at("issues").as_array().at(0).as_object();
  EXPECT_EQ(str(issue, "path"), "data.ship_by");
  EXPECT_EQ(str(issue, "code"), "bad_date");
}

}  // namespace
}  // namespace wedge::test
