// KpiTracker (windows, the last hour, totals) and nearest-rank quantiles.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "daemon/kpi/kpi.hpp"

namespace wedge::station {
namespace {

constexpr std::int64_t kT0 = 1'780'000'000'000;  // a minute boundary is irrelevant here

TEST(NearestRank, MedianAndP90) {
  EXPECT_FALSE(nearest_rank({}, 0.5).has_value());
  EXPECT_DOUBLE_EQ(*nearest_rank({7}, 0.9), 7);
  // 1..10: median by nearest rank is the 5th value, p90 the 9th.
  std::vector<double> v{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(*nearest_rank(v, 0.5), 5);
  EXPECT_DOUBLE_EQ(*nearest_rank(v, 0.9), 9);
  EXPECT_DOUBLE_EQ(*nearest_rank(v, 1.0), 10);
  EXPECT_FALSE(nearest_rank(v, 0.0).has_value());
}

TEST(KpiTracker, WindowCountsWhatHappenedAndStartsAfresh) {
  KpiTracker k(60, kT0);
  k.add_station("S1");
  k.add_station("S2");
  k.scan("S1", "accepted", "accepted");
  k.scan("S1", "accepted", "accepted");
  k.scan("S1", "refused", "wrong_item");
  k.scan("S1", "refused", "expired");
  k.picked("S1", 2);
  k.picked("S1", 6);  // a (37) scan counting 6
  k.weighed("S1", false);
  k.weighed("S1", true);
  k.step_done("S1", "pick", 30'000);
  k.step_done("S1", "pick", 90'000);
  k.order_completed("S1");
  k.fulfilled("S1", 120'000);
  k.cancellation_intercepted("S1", "pack");
  k.at_risk("S1", "pick");

  auto reports = k.close_window(kT0 + 60'000);
  ASSERT_EQ(reports.size(), 2u);
  const auto j = reports.at("S1").to_json();
  EXPECT_EQ(j.at("window_start").as_string(), "2026-05-28T20:26:40.000Z");
  EXPECT_EQ(j.at("window_end").as_string(), "2026-05-28T20:27:40.000Z");
  EXPECT_DOUBLE_EQ(j.at("interval_s").to_number<double>(), 60.0);
  EXPECT_EQ(j.at("units_picked").as_int64(), 8);
  EXPECT_DOUBLE_EQ(j.at("picks_per_hour").to_number<double>(), 480.0);
  EXPECT_EQ(j.at("scans").at("total").as_int64(), 4);
  EXPECT_EQ(j.at("scans").at("refused").as_int64(), 2);
  EXPECT_EQ(j.at("scans").at("attention").as_int64(), 0);
  EXPECT_DOUBLE_EQ(j.at("refused_scan_rate").to_number<double>(), 0.5);
  EXPECT_EQ(j.at("refused_by_reason").at("wrong_item").as_int64(), 1);
  EXPECT_EQ(j.at("refused_by_reason").at("expired").as_int64(), 1);
  EXPECT_EQ(j.at("weighings").as_int64(), 2);
  EXPECT_EQ(j.at("weight_mismatches").as_int64(), 1);
  EXPECT_EQ(j.at("orders_completed").as_int64(), 1);
  EXPECT_EQ(j.at("cancellations_intercepted").at("pack").as_int64(), 1);
  EXPECT_EQ(j.at("orders_at_risk").at("pick").as_int64(), 1);
  EXPECT_EQ(j.at("durations_s").at("pick").at("count").as_int64(), 2);
  EXPECT_DOUBLE_EQ(j.at("durations_s").at("pick").at("median").to_number<double>(), 30.0);
  EXPECT_DOUBLE_EQ(j.at("durations_s").at("pick").at("p90").to_number<double>(), 90.0);
  EXPECT_TRUE(j.at("durations_s").at("pack").at("median").is_null());
  EXPECT_DOUBLE_EQ(j.at("fulfilment_s").at("p90").to_number<double>(), 120.0);

  // S2 did nothing: a report all the same, with nulls where no rate exists.
  const auto idle = reports.at("S2").to_json();
  EXPECT_EQ(idle.at("scans").at("total").as_int64(), 0);
  EXPECT_TRUE(idle.at("refused_scan_rate").is_null());
  EXPECT_DOUBLE_EQ(idle.at("picks_per_hour").to_number<double>(), 0.0);

  // The next window starts empty; totals and the last hour keep counting.
  k.scan("S1", "refused", "wrong_item");
  auto next = k.close_window(kT0 + 120'000).at("S1");
  EXPECT_EQ(next.scan_count(), 1);
  EXPECT_EQ(next.units_picked, 0);
  EXPECT_EQ(k.totals().at("S1").scan_count(), 5);
  EXPECT_EQ(k.totals().at("S1").refused.at("wrong_item"), 2);
  const auto hour = k.recent("S1", kT0 + 150'000);
  EXPECT_EQ(hour.scan_count(), 5);
  EXPECT_EQ(hour.start_unix_ms, kT0);
  EXPECT_EQ(hour.end_unix_ms, kT0 + 150'000);
  EXPECT_EQ(k.duration_sums().at("S1").at("pick").count, 2);
  EXPECT_DOUBLE_EQ(k.duration_sums().at("S1").at("pick").seconds, 120.0);
}

TEST(KpiTracker, RecentKeepsOnlyTheLastWindowsAndMergesStations) {
  KpiTracker k(2, kT0);
  k.picked("S1", 1);
  k.close_window(kT0 + 1000);
  k.picked("S1", 10);
  k.picked("S2", 100);  // a station not declared: kept under its name
  k.close_window(kT0 + 2000);
  k.picked("S1", 1000);
  k.close_window(kT0 + 3000);
  EXPECT_EQ(k.recent("S1", kT0 + 3000).units_picked, 1010);  // the first window fell out
  EXPECT_EQ(k.recent("", kT0 + 3000).units_picked, 1110);
  EXPECT_EQ(k.totals().at("S1").units_picked, 1011);
  EXPECT_EQ(k.stations(), (std::vector<std::string>{"S1", "S2"}));
}

TEST(KpiTracker, HistogramsCountStepsFulfilmentAndVerdictsInTheirBuckets) {
  KpiTracker k(60, 0);
  k.step_done("S1", "pick", 12'000);   // le=15
  k.step_done("S1", "pick", 15'000);   // le=15 (a bound counts in its own bucket)
  k.step_done("S1", "pack", 7'200'000);  // above the last bound: +Inf only
  k.fulfilled("S1", 600'000);          // le=900
  k.verdict_latency("S1", 0.004);      // le=0.005
  const auto& h = k.histograms().at("S1");
  const auto bucket = [](const core::Histogram& one, double le) {
    for (const auto& [bound, count] : one.cumulative())
      if (bound == le) return count;
    ADD_FAILURE() << "no bucket " << le;
    return std::uint64_t{0};
  };
  EXPECT_EQ(bucket(h.steps.at("pick"), 10), 0u);
  EXPECT_EQ(bucket(h.steps.at("pick"), 15), 2u);
  EXPECT_EQ(bucket(h.steps.at("pick"), 3600), 2u);
  EXPECT_DOUBLE_EQ(h.steps.at("pick").sum_seconds(), 27);
  EXPECT_EQ(bucket(h.steps.at("pack"), 3600), 0u);
  EXPECT_EQ(h.steps.at("pack").count(), 1u);
  EXPECT_EQ(bucket(h.fulfilment, 300), 0u);
  EXPECT_EQ(bucket(h.fulfilment, 900), 1u);
  EXPECT_EQ(bucket(h.verdict, 0.002), 0u);
  EXPECT_EQ(bucket(h.verdict, 0.005), 1u);
  EXPECT_EQ(h.verdict.count(), 1u);
}

}  // namespace
}  // namespace wedge::station
