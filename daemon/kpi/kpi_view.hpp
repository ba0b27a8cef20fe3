// The stations' KPIs as the engineer and the floor lead see them: rows against the site's targets
// (kpi.targets in the config) for /api/v1/status and the overview page, and the station figures
// of GET /metrics (docs/http-api.md lists both).
//
// Rows and summaries cover the last hour of KPI windows (KpiTracker::recent); counters count since
// the daemon started. A KPI without data in the period has the value null and never misses its
// target. Loop thread only; reads live state when called.
#pragma once

#include <boost/json/array.hpp>

#include <cstdint>

#include "daemon/config/config.hpp"
#include "daemon/http/prometheus.hpp"
#include "daemon/station/stations.hpp"

namespace wedge {

struct KpiTargets {
  double fulfilment_p90_max_s = 0;         // 0 = no target
  double refused_scan_rate_max = 0;        // ratio, 0 = no target
  double weight_mismatch_rate_max = 0;     // ratio, 0 = no target
  double picks_per_hour_min = 0;           // 0 = no target
};

KpiTargets kpi_targets(const config::Config& config);

// One object per KPI: {name, label, station?, reason?, step?, value, target, unit, missed}.
boost::json::array kpi_rows(const station::Stations& stations, const KpiTargets& targets,
                            std::int64_t now_unix_ms);

// The wedge_station_* families and wedge_kpi_target_missed.
void append_kpi_metrics(http::PrometheusText& text, const station::Stations& stations,
                        const KpiTargets& targets, std::int64_t now_unix_ms);

}  // namespace wedge
