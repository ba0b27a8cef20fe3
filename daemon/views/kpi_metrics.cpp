#include "daemon/views/kpi_metrics.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <limits>
#include <map>


namespace wedge {

namespace json = boost::json;
using station::KpiFigures;

namespace {

json::value value_or_null(const std::optional<double>& value) {
  return value ? json::value(std::round(*value * 10000.0) / 10000.0) : json::value(nullptr);
}

json::object row_json(const KpiRow& row) {
  json::object o{{"name", row.name}, {"label", row.label}};
  if (!row.station.empty()) o["station"] = row.station;
  if (!row.reason.empty()) o["reason"] = row.reason;
  if (!row.step.empty()) o["step"] = row.step;
  o["value"] = value_or_null(row.value);
  o["target"] = row.target ? json::value(*row.target) : json::value(nullptr);
  o["unit"] = row.unit;
  o["missed"] = row.missed();
  return o;
}

double nan_or(const std::optional<double>& value) {
  return value ? *value : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

json::array kpi_rows(const station::Stations& stations, const KpiTargets& targets, std::int64_t now_unix_ms) {
  json::array out;
  for (const auto& row : kpi_rows(stations.kpis(), targets, now_unix_ms)) out.push_back(row_json(row));
  return out;
}

void append_kpi_metrics(http::PrometheusText& t, const station::Stations& stations, const KpiTargets& targets,
                        std::int64_t now_unix_ms) {
  const auto& kpis = stations.kpis();
  const auto& totals = kpis.totals();
  using Labels = http::PrometheusText::Labels;

  t.declare("wedge_station_orders_completed_total", "counter", "Orders whose last step at the station finished.");
  for (const auto& [id, f] : totals)
    t.sample("wedge_station_orders_completed_total", f.orders_completed, Labels{{"station", id}});
  t.declare("wedge_station_picks_total", "counter", "Units picked (accepted item scans, (37) counts).");
  for (const auto& [id, f] : totals) t.sample("wedge_station_picks_total", f.units_picked, Labels{{"station", id}});
  t.declare("wedge_station_scans_total", "counter", "Scans by verdict: accepted, refused, attention.");
  for (const auto& [id, f] : totals)
    for (const char* verdict : {"accepted", "refused", "attention"}) {
      const auto it = f.scans.find(verdict);
      t.sample("wedge_station_scans_total", it == f.scans.end() ? std::int64_t{0} : it->second,
               Labels{{"station", id}, {"result", verdict}});
    }
  t.declare("wedge_station_scans_refused_total", "counter", "Refused scans by reason code.");
  for (const auto& [id, f] : totals)
    for (const auto& [reason, count] : f.refused)
      t.sample("wedge_station_scans_refused_total", count, Labels{{"station", id}, {"reason", reason}});
  t.declare("wedge_station_weighings_total", "counter", "Pack weighings (stable weight compared with the order).");
  for (const auto& [id, f] : totals) t.sample("wedge_station_weighings_total", f.weighings, Labels{{"station", id}});
  t.declare("wedge_station_weight_mismatches_total", "counter", "Pack weights outside tolerance.");
  for (const auto& [id, f] : totals)
    t.sample("wedge_station_weight_mismatches_total", f.weight_mismatches, Labels{{"station", id}});
  t.declare("wedge_station_cancellations_intercepted_total", "counter",
            "Cancelled orders stopped before shipping, by the step they were in.");
  for (const auto& [id, f] : totals)
    for (const auto& [step, count] : f.cancellations)
      t.sample("wedge_station_cancellations_intercepted_total", count, Labels{{"station", id}, {"step", step}});
  t.declare("wedge_station_cancellations_requested_total", "counter",
            "Cancellations the OMS asked for, by the step they found the order in (shipped: too late).");
  for (const auto& [id, f] : totals)
    for (const auto& [step, count] : f.cancellations_requested)
      t.sample("wedge_station_cancellations_requested_total", count, Labels{{"station", id}, {"step", step}});
  t.declare("wedge_station_returns_total", "counter", "Returned units graded, by grade.");
  for (const auto& [id, f] : totals)
    for (const auto& [grade, count] : f.returns)
      t.sample("wedge_station_returns_total", count, Labels{{"station", id}, {"grade", grade}});
  t.declare("wedge_station_orders_at_risk_total", "counter", "order.at_risk events, by step.");
  for (const auto& [id, f] : totals)
    for (const auto& [step, count] : f.at_risk)
      t.sample("wedge_station_orders_at_risk_total", count, Labels{{"station", id}, {"step", step}});

  // Summaries: quantiles over the last hour of windows; _sum and _count since start.
  const auto& sums = kpis.duration_sums();
  auto sum_of = [&sums](const std::string& id, const std::string& key) {
    station::KpiTracker::Sum none;
    const auto s = sums.find(id);
    if (s == sums.end()) return none;
    const auto k = s->second.find(key);
    return k == s->second.end() ? none : k->second;
  };
  // The last hour of each station, merged once for both summaries.
  std::map<std::string, KpiFigures> hour;
  for (const auto& id : kpis.stations()) hour.emplace(id, kpis.recent(id, now_unix_ms));
  t.declare("wedge_station_step_duration_seconds", "summary",
            "Pick, pack and ship durations (quantiles over the last hour).");
  for (const auto& [id, f] : hour) {
    for (const char* step : {"pick", "pack", "ship"}) {
      const auto it = f.step_seconds.find(step);
      const std::vector<double> values = it == f.step_seconds.end() ? std::vector<double>{} : it->second;
      const auto sum = sum_of(id, step);
      if (sum.count == 0) continue;
      for (const double q : {0.5, 0.9})
        t.sample("wedge_station_step_duration_seconds", nan_or(station::nearest_rank(values, q)),
                 Labels{{"station", id}, {"step", step}, {"quantile", http::format_prometheus_value(q)}});
      t.sample("wedge_station_step_duration_seconds_sum", sum.seconds, Labels{{"station", id}, {"step", step}});
      t.sample("wedge_station_step_duration_seconds_count", sum.count, Labels{{"station", id}, {"step", step}});
    }
  }
  t.declare("wedge_station_fulfilment_seconds", "summary",
            "Order received → shipped, by shipping station (quantiles over the last hour).");
  for (const auto& [id, f] : hour) {
    const auto sum = sum_of(id, "fulfilment");
    if (sum.count == 0) continue;
    for (const double q : {0.5, 0.9})
      t.sample("wedge_station_fulfilment_seconds", nan_or(station::nearest_rank(f.fulfilment_seconds, q)),
               Labels{{"station", id}, {"quantile", http::format_prometheus_value(q)}});
    t.sample("wedge_station_fulfilment_seconds_sum", sum.seconds, Labels{{"station", id}});
    t.sample("wedge_station_fulfilment_seconds_count", sum.count, Labels{{"station", id}});
  }

  // Histograms: since start, cumulative buckets that add up across stations and gateways.
  const auto& histograms = kpis.histograms();
  auto per_station = [&t, &histograms](const char* name, const char* help,
                                       core::Histogram station::KpiTracker::Histograms::*member) {
    t.declare(name, "histogram", help);
    for (const auto& [id, h] : histograms)
      if (const auto& one = h.*member; one.count() > 0)
        t.histogram(name, one.cumulative(), one.sum_seconds(), one.count(), Labels{{"station", id}});
  };
  per_station("wedge_station_scan_verdict_seconds", "Scan received (scanner or HTTP) to its verdict shown at the station.",
              &station::KpiTracker::Histograms::verdict);
  t.declare("wedge_station_step_seconds", "histogram", "Pick, pack and ship step durations.");
  for (const auto& [id, h] : histograms)
    for (const auto& [step, steps] : h.steps)
      t.histogram("wedge_station_step_seconds", steps.cumulative(), steps.sum_seconds(), steps.count(),
                  Labels{{"station", id}, {"step", step}});
  per_station("wedge_station_order_fulfilment_seconds", "Order received to shipped, by shipping station.",
              &station::KpiTracker::Histograms::fulfilment);

  t.declare("wedge_kpi_target_missed", "gauge", "1 while a KPI misses its configured target (kpi.targets).");
  for (const auto& row : kpi_rows(kpis, targets, now_unix_ms))
    if (row.target)
      t.sample("wedge_kpi_target_missed", std::int64_t{row.missed() ? 1 : 0},
               Labels{{"kpi", row.name}, {"station", row.station}});
}

}  // namespace wedge
