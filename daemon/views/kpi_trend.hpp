// The KPI trend the overview (/) draws: the last 8 hours of each site KPI (or one station's) in
// 10-minute buckets, each with its target, as JSON points and as an SVG chart drawn here (no
// script library, nothing fetched from elsewhere), for GET /api/v1/kpis/trend (docs/http-api.md).
//
// Values per bucket, from KpiTracker::trend(): picks_per_hour (units picked per hour), orders_shipped
// (count), refused_scan_rate and weight_mismatch_rate (ratios; no value without scans/weighings),
// fulfilment_p90 (seconds, nearest rank; no value without shipped orders). A bucket without a value
// is a gap in the line, never a zero.
//
// Loop thread only (reads the stations' live tracker); the SVG functions are pure.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/kpi/kpi_view.hpp"
#include "daemon/station/stations.hpp"

namespace wedge {

struct TrendSeries {
  std::string kpi;    // picks_per_hour, orders_shipped, …
  std::string label;  // for people
  std::string unit;   // "per_hour", "count", "ratio", "s"
  std::vector<std::int64_t> starts_unix_ms;   // bucket starts, oldest first
  std::vector<std::optional<double>> values;  // one per bucket
  std::optional<double> target;
  bool target_is_min = false;
};

// A value as people read it: 1,471/h · 27.4 s · 12.5 min · 2.4 % · 1,204.
[[nodiscard]] std::string format_for_people(double value, const std::string& unit);

// The series of every KPI for `station` ("" = the site), up to `now_unix_ms`.
[[nodiscard]] std::vector<TrendSeries> kpi_trends(const station::KpiTracker& kpis, const KpiTargets& targets,
                                                  const std::string& station, std::int64_t now_unix_ms);

// A small line chart (320×96) with the target as a dashed line and the last value in the title.
[[nodiscard]] std::string trend_svg(const TrendSeries& series);

// {"station", "bucket_s", "kpis":[{"kpi","label","unit","target","target_is_min","points":[{"start","value"}],"svg"}]}
[[nodiscard]] boost::json::value kpi_trend_json(const station::Stations& stations, const KpiTargets& targets,
                                                const std::string& station, std::int64_t now_unix_ms);

}  // namespace wedge
