#include "daemon/kpi/kpi_view.hpp"

#include <algorithm>

#include "daemon/config/schema_settings.hpp"

namespace wedge {

using station::KpiFigures;

namespace {

std::optional<double> positive(double target) {
  return target > 0 ? std::optional<double>(target) : std::nullopt;
}

}  // namespace

std::vector<KpiRow> kpi_rows(const station::KpiTracker& kpis, const KpiTargets& targets, std::int64_t now) {
  const KpiFigures site = kpis.recent("", now);
  std::vector<KpiRow> out;
  out.push_back({"fulfilment_p90", "Fulfilment time p90 (received → shipped)", "", "", "",
                 station::nearest_rank(site.fulfilment_seconds, 0.9), positive(targets.fulfilment_p90_max_s),
                 false, "s"});
  out.push_back({"refused_scan_rate", "Refused scans", "", "", "", site.refused_rate(),
                 positive(targets.refused_scan_rate_max), false, "ratio"});
  for (const auto& [reason, count] : site.refused)
    out.push_back({"refused_scan_rate_by_reason", "Refused scans: " + reason, "", reason, "",
                   static_cast<double>(count) / static_cast<double>(std::max<std::int64_t>(site.scan_count(), 1)),
                   std::nullopt, false, "ratio"});
  out.push_back({"weight_mismatch_rate", "Weight mismatches", "", "", "", site.mismatch_rate(),
                 positive(targets.weight_mismatch_rate_max), false, "ratio"});
  // Site-wide, an order is done when it shipped (the stations' "completed" counts each station's
  // last step, so their sum would count one order at every station it passed).
  out.push_back({"orders_shipped", "Orders shipped", "", "", "",
                 static_cast<double>(site.fulfilment_seconds.size()), std::nullopt, false, "count"});
  for (const auto& [step, count] : site.cancellations)
    out.push_back({"cancellations_intercepted", "Cancellations intercepted at " + (step.empty() ? "?" : step), "",
                   "", step, static_cast<double>(count), std::nullopt, false, "count"});
  // Today (the gateway's local day): what the OMS asked to cancel, and what the floor stopped.
  const auto days = kpis.days(now);
  if (!days.empty() && !days.back().cancellations_requested.empty()) {
    const auto& today = days.back();
    for (const auto& [step, count] : today.cancellations_requested)
      out.push_back({"cancellations_requested_today", "Cancellations requested today, order at " + step, "", "", step,
                     static_cast<double>(count), std::nullopt, false, "count"});
    for (const auto& [step, count] : today.cancellations)
      out.push_back({"cancellations_intercepted_today", "Cancellations intercepted today at " + step, "", "", step,
                     static_cast<double>(count), std::nullopt, false, "count"});
  }
  for (const auto& id : kpis.stations()) {
    if (id.empty()) continue;
    const KpiFigures f = kpis.recent(id, now);
    if (f.scan_count() > 0)
      out.push_back({"refused_scan_rate", "Refused scans", id, "", "", f.refused_rate(),
                     positive(targets.refused_scan_rate_max), false, "ratio"});
    if (f.units_picked > 0)
      out.push_back({"picks_per_hour", "Picks per hour", id, "", "", f.picks_per_hour(),
                     positive(targets.picks_per_hour_min), true, "per_hour"});
  }
  return out;
}

KpiTargets kpi_targets(const config::Config& config) {
  KpiTargets t;
  const auto kpi = config::SchemaSettings::of(config, "kpi");
  if (!kpi.present()) return t;  // a Config built by hand (tests) has no kpi section: no targets
  const auto s = kpi.section("targets");
  t.fulfilment_p90_max_s = static_cast<double>(s.get_int("fulfilment_p90_max_s"));
  t.refused_scan_rate_max = s.get_number("refused_scan_rate_max_percent") / 100.0;
  t.weight_mismatch_rate_max = s.get_number("weight_mismatch_rate_max_percent") / 100.0;
  t.picks_per_hour_min = static_cast<double>(s.get_int("picks_per_hour_min"));
  return t;
}

}  // namespace wedge
