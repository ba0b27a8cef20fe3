// The KPI rows (daemon/kpi/kpi_view.hpp) as the HTTP API shows them: JSON objects for
// /api/v1/status and the overview page, and the station figures and wedge_kpi_target_missed of
// GET /metrics (docs/http-api.md lists both). Formatting only: the rows and their verdicts come
// from the KPI room, the figures from the stations' KpiTracker.
//
// Loop thread only; reads live state when called.
#pragma once

#include <boost/json/array.hpp>

#include <cstdint>

#include "daemon/http/prometheus.hpp"
#include "daemon/kpi/kpi_view.hpp"
#include "daemon/station/stations.hpp"

namespace wedge {

// One object per KPI: {name, label, station?, reason?, step?, value, target, unit, missed}.
boost::json::array kpi_rows(const station::Stations& stations, const KpiTargets& targets,
                            std::int64_t now_unix_ms);

// The wedge_station_* families and wedge_kpi_target_missed.
void append_kpi_metrics(http::PrometheusText& text, const station::Stations& stations,
                        const KpiTargets& targets, std::int64_t now_unix_ms);

}  // namespace wedge
