// The stations' KPIs as the engineer and the floor lead see them: rows against the site's targets
// (kpi.targets in the config), each with its verdict (missed or not). The rows are what
// /api/v1/status and the overview page list and what wedge_kpi_target_missed in GET /metrics
// reports (docs/http-api.md); the rendering lives in daemon/views/kpi_metrics.hpp.
//
// Rows cover the last hour of KPI windows (KpiTracker::recent). A KPI without data in the period
// has no value and never misses its target. Pure functions of the tracker and the targets; loop
// thread only (the tracker is the stations' live one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/kpi/kpi.hpp"

namespace wedge {

struct KpiTargets {
  double fulfilment_p90_max_s = 0;         // 0 = no target
  double refused_scan_rate_max = 0;        // ratio, 0 = no target
  double weight_mismatch_rate_max = 0;     // ratio, 0 = no target
  double picks_per_hour_min = 0;           // 0 = no target
};

KpiTargets kpi_targets(const config::Config& config);

// One KPI of the site or of one station against its target.
struct KpiRow {
  std::string name;
  std::string label;
  std::string station;  // empty = site
  std::string reason;
  std::string step;
  std::optional<double> value;
  std::optional<double> target;  // empty = no target
  bool target_is_min = false;     // the value must reach the target (else: must not exceed it)
  std::string unit;               // "s", "ratio", "count", "per_hour"

  // The verdict: the value is on the wrong side of the target (never without both).
  [[nodiscard]] bool missed() const {
    if (!value || !target) return false;
    return target_is_min ? *value < *target : *value > *target;
  }
};

// The site's rows first, then each station's (stations without data in the period have none).
[[nodiscard]] std::vector<KpiRow> kpi_rows(const station::KpiTracker& kpis, const KpiTargets& targets,
                                           std::int64_t now_unix_ms);

}  // namespace wedge
