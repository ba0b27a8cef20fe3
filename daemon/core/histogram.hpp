// A histogram with fixed upper bounds, for Prometheus `histogram` metrics in /metrics: its buckets
// add up across stations and gateways (sum by (le)), which summaries' quantiles cannot.
//
// Contract
// - Bounds are given once, ascending; +Inf is implied. An observation falls in the first bucket
//   whose bound is >= it (Prometheus `le`), so a value equal to a bound counts in that bucket.
// - observe(): a negative or NaN value (a clock stepped back) counts as 0; +Inf counts in the +Inf
//   bucket only and is not added to the sum.
// - cumulative() gives (bound, observations <= bound) for the finite bounds, ascending, as
//   http::PrometheusText::histogram() takes them; the +Inf bucket is count().
//
// The bound series used by the daemon (why these: docs/operations.md "Metrics"):
// - kLatencyBoundsSeconds, 1 ms … 10 s: scan → verdict and event → PUBACK, where one SQLite commit
//   (a few ms of fsync) is the floor and anything past seconds means a broker or disk in trouble.
// - kStepBoundsSeconds, 5 s … 1 h: one pick, pack or ship step of an order, seconds to minutes.
// - kFulfilmentBoundsSeconds, 1 min … 24 h: order received → shipped, minutes to a day.
// - kCommitBoundsSeconds, 0.25 ms … 1 s: one outbox transaction with its fsync, the disk's share of
//   every accepted scan: an SSD's flush is a fraction of a millisecond, an edge PC's flash 5–20 ms.
//
// Threading: a value type without locks; its owner keeps it on the loop thread.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace wedge::core {

inline constexpr std::array<double, 13> kLatencyBoundsSeconds{0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                              0.25,  0.5,   1,     2.5,  5,     10};
inline constexpr std::array<double, 12> kStepBoundsSeconds{5, 10, 15, 30, 45, 60, 90, 120, 300, 600, 1800, 3600};
inline constexpr std::array<double, 15> kCommitBoundsSeconds{0.00025, 0.0005, 0.00075, 0.001, 0.0015,
                                                             0.002,   0.003,  0.005,   0.0075, 0.01,
                                                             0.02,    0.05,   0.1,     0.25,   1};
inline constexpr std::array<double, 10> kFulfilmentBoundsSeconds{60,   300,   900,   1800,  3600,
                                                                 7200, 14400, 28800, 43200, 86400};

class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);

  void observe(double seconds);

  [[nodiscard]] std::vector<std::pair<double, std::uint64_t>> cumulative() const;
  [[nodiscard]] double sum_seconds() const { return sum_seconds_; }
  [[nodiscard]] std::uint64_t count() const { return count_; }
  // Observations per bucket (one per bound, then the one above the last bound): what a saved
  // histogram holds (daemon/kpi/kpi_state.cpp).
  [[nodiscard]] const std::vector<std::uint64_t>& buckets() const { return per_bucket_; }
  // Puts back what buckets() and sum_seconds() gave; false (and nothing changed) when the number of
  // buckets is not this histogram's.
  [[nodiscard]] bool restore(const std::vector<std::uint64_t>& per_bucket, double sum_seconds);

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> per_bucket_;  // one per bound, then one above the last bound
  double sum_seconds_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace wedge::core
