// The overview's KPI trend (daemon/views/kpi_trend): numbers for people, the series from the
// tracker, and the SVG chart (gaps, target line, escaped text).
#include <gtest/gtest.h>

#include "daemon/kpi/kpi.hpp"
#include "daemon/views/kpi_trend.hpp"

namespace wedge {
namespace {

constexpr std::int64_t kT0 = 1'780'000'200'000;  // a multiple of ten minutes
constexpr std::int64_t kMinute = 60'000;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(KpiTrendView, NumbersAreFormattedForPeople) {
  EXPECT_EQ(format_for_people(1471.3, "per_hour"), "1,471/h");
  EXPECT_EQ(format_for_people(1234567, "count"), "1,234,567");
  EXPECT_EQ(format_for_people(12, "count"), "12");
  EXPECT_EQ(format_for_people(27.44, "s"), "27.4 s");
  EXPECT_EQ(format_for_people(750, "s"), "12.5 min");
  EXPECT_EQ(format_for_people(5400, "s"), "1.5 h");
  EXPECT_EQ(format_for_people(0.0237, "ratio"), "2.4 %");
}

TEST(KpiTrendView, SeriesHaveOneValuePerBucketAndGapsWhereThereIsNone) {
  station::KpiTracker k(60, kT0);
  k.add_station("S1");
  k.scan("S1", "accepted", "");
  k.scan("S1", "refused", "wrong_item");
  (void)k.close_window(kT0 + kMinute);
  const auto now = kT0 + 25 * kMinute;
  KpiTargets targets;
  targets.refused_scan_rate_max = 0.05;
  const auto series = kpi_trends(k, targets, "", now);
  ASSERT_EQ(series.size(), 5u);
  const auto& refused = series[3];
  EXPECT_EQ(refused.kpi, "refused_scan_rate");
  ASSERT_EQ(refused.values.size(), station::KpiTracker::kTrendBuckets);
  EXPECT_DOUBLE_EQ(*refused.values[refused.values.size() - 3], 0.5);
  EXPECT_FALSE(refused.values.back().has_value());  // no scans since: a gap, not 0
  EXPECT_EQ(refused.target, 0.05);
  EXPECT_EQ(series[0].kpi, "picks_per_hour");
  EXPECT_DOUBLE_EQ(*series[0].values.back(), 0.0);  // nothing picked is a real 0 per hour
}

TEST(KpiTrendView, TheChartDrawsRunsDotsTheTargetAndEscapesText) {
  TrendSeries s{"refused_scan_rate", "Refused <scans> & more", "ratio", {}, {}, 0.05, false};
  for (int i = 0; i < 6; ++i) s.starts_unix_ms.push_back(kT0 + i * 10 * kMinute);
  s.values = {0.1, 0.2, std::nullopt, 0.3, std::nullopt, 0.02};
  const auto svg = trend_svg(s);
  EXPECT_TRUE(svg.starts_with(R"(<svg xmlns="http://www.w3.org/2000/svg" class="trend" data-kpi="refused_scan_rate")")) << svg;
  EXPECT_TRUE(svg.ends_with("</svg>"));
  EXPECT_EQ(count(svg, "<polyline"), 1u);      // 0.1 → 0.2
  EXPECT_EQ(count(svg, "<circle"), 2u);        // 0.3 and 0.02 stand alone
  EXPECT_EQ(count(svg, R"(class="target")"), 1u);
  EXPECT_NE(svg.find("<title>Refused &lt;scans&gt; &amp; more: 2.0 % (target ≤ 5.0 %)</title>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("<scans>"), std::string::npos);
}

}  // namespace
}  // namespace wedge
