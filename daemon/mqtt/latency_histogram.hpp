// A latency histogram with fixed Prometheus-style buckets, for /metrics
// (wedge_mqtt_publish_latency_seconds: event creation → broker PUBACK, docs/http-api.md).
//
// Contract
// - Bucket upper bounds, in seconds: 0.001 0.002 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10,
//   and +Inf. An observation falls in the first bucket whose bound is >= it (Prometheus `le`), so
//   exactly 0.005 counts in le="0.005".
// - observe(): a negative or NaN value (the wall clock stepped back between creation and PUBACK)
//   counts as 0; +Inf counts in the +Inf bucket only and is not added to the sum.
// - cumulative() gives (bound, observations <= bound) for the finite bounds, ascending, as
//   http::PrometheusText::histogram() takes them; the +Inf bucket is count().
//
// Threading: a value type without locks; the MQTT link keeps one on its loop thread and hands out
// copies (LinkStats).
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace wedge::mqtt {

class LatencyHistogram {
 public:
  static constexpr std::array<double, 13> kBoundsSeconds{0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                         0.25,  0.5,   1,     2.5,  5,     10};

  void observe(double seconds);

  std::vector<std::pair<double, std::uint64_t>> cumulative() const;
  double sum_seconds() const { return sum_seconds_; }
  std::uint64_t count() const { return count_; }

 private:
  std::array<std::uint64_t, kBoundsSeconds.size() + 1> per_bucket_{};  // last: above the last bound
  double sum_seconds_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace wedge::mqtt
