// Station KPIs and time limits against the real simulators: the per-window station.kpi telemetry
// counts what the station did, order.at_risk fires once per late step (also across a restart),
// and the /metrics figures and status rows say the same.
#include <gtest/gtest.h>

#include <chrono>

#include "daemon/views/gateway_view.hpp"
#include "daemon/views/kpi_metrics.hpp"
#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using namespace std::chrono_literals;
using commands::CommandType;

std::int64_t num(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

// Sums the station.kpi windows of `station` published so far.
struct Summed {
  int windows = 0;
  std::int64_t units = 0, accepted = 0, refused = 0, weighings = 0, completed = 0;
  std::map<std::string, std::int64_t> reasons, cancellations, requested, at_risk;
  std::int64_t pick_durations = 0, fulfilments = 0;
};

Summed sum_windows(StationEnv& env, const std::string& station) {
  Summed s;
  for (const auto& e : env.collect()) {
    if (e.type != "station.kpi" || e.station != station) continue;
    ++s.windows;
    const auto& d = e.data;
    s.units += num(d, "units_picked");
    s.accepted += num(d.at("scans").as_object(), "accepted");
    s.refused += num(d.at("scans").as_object(), "refused");
    s.weighings += num(d, "weighings");
    s.completed += num(d, "orders_completed");
    for (const auto& [k, v] : d.at("refused_by_reason").as_object()) s.reasons[k] += v.as_int64();
    for (const auto& [k, v] : d.at("cancellations_intercepted").as_object()) s.cancellations[k] += v.as_int64();
    for (const auto& [k, v] : d.at("cancellations_requested").as_object()) s.requested[k] += v.as_int64();
    for (const auto& [k, v] : d.at("orders_at_risk").as_object()) s.at_risk[k] += v.as_int64();
    s.pick_durations += num(d.at("durations_s").at("pick").as_object(), "count");
    s.fulfilments += num(d.at("fulfilment_s").as_object(), "count");
  }
  return s;
}

TEST(StationKpi, WindowsCountWhatTheStationDid) {
  EnvOptions options;
  options.kpi_interval = 300ms;
  StationEnv env(options);
  ASSERT_TRUE(env.orders_arrive({"O-1"}));
  EXPECT_EQ(env.scan("5901234123457").code, "wrong_item");
  EXPECT_EQ(env.scan("HELLO").code, "unknown_barcode");
  env.pick_all();
  ASSERT_TRUE(env.wait_event("O-1", "pick.completed"));
  const std::string sscc = env.pack_to_label("O-1");
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-1", "pack.completed"));
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-1", "order.shipped"));
  // A second order, cancelled while it is picked.
  ASSERT_TRUE(env.orders_arrive({"O-2"}));
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_TRUE(env.apply(command(CommandType::order_cancel, "O-2", R"({"reason":"customer"})")).accepted);
  // And one that comes after O-1 left: asked for, not intercepted.
  EXPECT_FALSE(env.apply(command(CommandType::order_cancel, "O-1", R"({"reason":"customer"})")).accepted);

  // Every fact lands in exactly one window, so the windows add up to the whole run.
  Summed s;
  ASSERT_TRUE(env.run_until([&] {
    s = sum_windows(env, "st1");
    return s.completed == 1 && s.units == 4 && s.cancellations["pick"] == 1;
  }, 5s)) << "windows so far: " << s.windows;
  EXPECT_GE(s.windows, 1);
  EXPECT_EQ(s.refused, 2);
  EXPECT_EQ(s.reasons["wrong_item"], 1);
  EXPECT_EQ(s.reasons["unknown_barcode"], 1);
  // 4 item scans + order scan at pack + label verify + ship scan.
  EXPECT_EQ(s.accepted, 7);
  EXPECT_EQ(s.weighings, 1);
  EXPECT_EQ(s.pick_durations, 1);
  EXPECT_EQ(s.fulfilments, 1);
  // The late cancel names a shipped order no station holds: it counts at the gateway level ("").
  EXPECT_EQ(s.requested, (std::map<std::string, std::int64_t>{{"pick", 1}}));
  EXPECT_EQ(s.cancellations, (std::map<std::string, std::int64_t>{{"pick", 1}}));

  // The same figures in the status rows and /metrics text.
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  KpiTargets targets;
  targets.refused_scan_rate_max = 0.1;  // 2 of 9 scans refused: missed
  const auto rows = kpi_rows(env.stations(), targets, now);
  bool saw_site_rate = false;
  for (const auto& row : rows) {
    const auto& o = row.as_object();
    if (o.at("name") == "refused_scan_rate" && !o.contains("station")) {
      saw_site_rate = true;
      EXPECT_NEAR(o.at("value").to_number<double>(), 2.0 / 9.0, 1e-3);
      EXPECT_TRUE(o.at("missed").as_bool());
    }
  }
  EXPECT_TRUE(saw_site_rate) << boost::json::serialize(rows);
  // Today's cancellations, requested (by where they found the order) and intercepted.
  std::map<std::string, double> today;
  for (const auto& row : rows) {
    const auto& o = row.as_object();
    const std::string name(o.at("name").as_string());
    if (name.ends_with("_today")) today[name + "/" + std::string(o.at("step").as_string())] = o.at("value").to_number<double>();
  }
  EXPECT_EQ(today, (std::map<std::string, double>{{"cancellations_requested_today/pick", 1},
                                                  {"cancellations_requested_today/shipped", 1},
                                                  {"cancellations_intercepted_today/pick", 1}}))
      << boost::json::serialize(rows);
  http::PrometheusText text;
  append_kpi_metrics(text, env.stations(), targets, now);
  const auto& m = text.text();
  EXPECT_NE(m.find("wedge_station_picks_total{station=\"st1\"} 4\n"), std::string::npos) << m;
  EXPECT_NE(m.find("wedge_station_scans_refused_total{station=\"st1\",reason=\"wrong_item\"} 1\n"),
            std::string::npos) << m;
  EXPECT_NE(m.find("wedge_station_cancellations_intercepted_total{station=\"st1\",step=\"pick\"} 1\n"),
            std::string::npos) << m;
  EXPECT_NE(m.find("wedge_station_orders_completed_total{station=\"st1\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("wedge_station_cancellations_requested_total{station=\"\",step=\"shipped\"} 1\n"),
            std::string::npos) << m;
  EXPECT_NE(m.find("wedge_station_step_duration_seconds_count{station=\"st1\",step=\"pick\"} 1\n"),
            std::string::npos) << m;
  EXPECT_NE(m.find("wedge_kpi_target_missed{kpi=\"refused_scan_rate\",station=\"\"} 1\n"), std::string::npos) << m;
}

TEST(StationKpi, LateOrderIsReportedAtRiskOncePerStep) {
  EnvOptions options;
  options.at_risk_check = 50ms;
  StationEnv env(options);
  // pick_s 1 from the pick list (the station allows 900 s).
  std::string body = order_body();
  body.insert(body.size() - 1, R"(,"time_limits":{"pick_s":1})");
  env.pick_list("O-9", body);
  // The early warning (at 80 % of the limit) may come first: the late step is the one with the
  // reason step_limit.
  auto late = [&env] {
    std::vector<Event> out;
    for (const auto& e : env.events_of("O-9", "order.at_risk"))
      if (str(e.data, "reason") == "step_limit") out.push_back(e);
    return out;
  };
  ASSERT_TRUE(env.run_until([&] { return !late().empty(); })) << "no order.at_risk";
  auto risk = late().at(0).data;
  EXPECT_EQ(risk.at("step").as_string(), "pick");
  EXPECT_EQ(risk.at("limit_s").as_int64(), 1);
  EXPECT_GE(risk.at("elapsed_s").to_number<double>(), 1.0);
  EXPECT_GE(risk.at("late_s").to_number<double>(), 0.0);
  EXPECT_LT(risk.at("late_s").to_number<double>(), 2.0);
  EXPECT_EQ(risk.at("station").as_string(), "st1");
  const auto reported = env.events_of("O-9", "order.at_risk").size();
  EXPECT_LE(reported, 2u);

  // Not again for the same step: not later, not after a restart.
  env.run_until([] { return false; }, 400ms);
  env.restart();
  env.run_until([] { return false; }, 400ms);
  EXPECT_EQ(late().size(), 1u);
  EXPECT_EQ(env.events_of("O-9", "order.at_risk").size(), reported);
  // The count survives the restart (kpi.db), and the restart adds none.
  EXPECT_EQ(env.stations().kpis().totals().at("st1").at_risk.at("pick"), static_cast<std::int64_t>(reported));

  // Pack has the station's 600 s: picking it completely does not make it late again.
  env.pick_all();
  ASSERT_TRUE(env.wait_event("O-9", "pick.completed"));
  env.run_until([] { return false; }, 300ms);
  EXPECT_EQ(env.events_of("O-9", "order.at_risk").size(), reported);
}

TEST(StationKpi, GatewayViewCarriesStationIdsKpiRowsAndMetrics) {
  StationEnv env;
  GatewayParts parts{env.config(), env.outbox(), env.link(), env.devices(), env.print_queue(), env.stations()};
  ASSERT_TRUE(env.orders_arrive({"O-5"}));
  EXPECT_EQ(env.scan("5901234123457").code, "wrong_item");
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");

  const auto screen = screen_json(parts, env.snap()).as_object();
  EXPECT_EQ(screen.at("id").as_string(), "st1");
  EXPECT_EQ(screen.at("station").as_string(), "st1");
  const auto status = status_json(parts).as_object();
  ASSERT_TRUE(status.at("kpis").is_array());
  bool station_rate = false;
  for (const auto& row : status.at("kpis").as_array()) {
    const auto& o = row.as_object();
    if (o.at("name") == "refused_scan_rate" && o.contains("station")) {
      station_rate = true;
      EXPECT_EQ(o.at("station").as_string(), "st1");
      EXPECT_DOUBLE_EQ(o.at("value").to_number<double>(), 0.5);
      // The config has no kpi section: the default target, 5 %, applies.
      EXPECT_DOUBLE_EQ(o.at("target").to_number<double>(), 0.05);
      EXPECT_TRUE(o.at("missed").as_bool());
    }
  }
  EXPECT_TRUE(station_rate) << boost::json::serialize(status.at("kpis"));
  const auto metrics = metrics_text(parts);
  EXPECT_NE(metrics.find("wedge_station_picks_total{station=\"st1\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("wedge_station_scans_total{station=\"st1\",result=\"refused\"} 1\n"), std::string::npos);
  // The command channel's state, next to the link's (docs/http-api.md).
  const bool subscribed = env.link().stats().commands_subscribed;
  EXPECT_EQ(status.at("broker").at("commands_subscribed").as_bool(), subscribed);
  EXPECT_NE(metrics.find(std::string("wedge_command_channel_subscribed ") + (subscribed ? "1" : "0") + "\n"),
            std::string::npos);
}

}  // namespace
}  // namespace wedge::test
