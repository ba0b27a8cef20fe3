// The daemon's own outbox commit times over the bench's window: wedge_outbox_commit_seconds
// (docs/http-api.md) read from GET /metrics before and after the scans; the difference of the two
// readings is the commits of the window. Quantiles are bucket bounds ("p99 <= 3 ms"), as
// Prometheus' histogram_quantile would place them, not interpolated.
// Any thread (a blocking GET with a deadline; the bench calls it from its loop between phases).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wedge::station_bench {

// Cumulative (le, count) pairs as /metrics gives them, ascending; the last le is +Inf.
using CumulativeBuckets = std::vector<std::pair<double, double>>;

// The buckets of `metric` in a /metrics text; empty when it is not there.
[[nodiscard]] CumulativeBuckets parse_histogram(const std::string& metrics_text, const std::string& metric);
// GET /metrics on 127.0.0.1:`http_port` and the outbox commit buckets; nullopt when the scrape failed.
[[nodiscard]] std::optional<CumulativeBuckets> read_commit_histogram(int http_port);

struct WindowQuantiles {
  double count = 0;     // observations between the two readings
  double p50_le = 0;    // the bound of the bucket that holds the median (seconds; +Inf possible)
  double p99_le = 0;
};
// The observations between `before` and `after` (the same buckets); nullopt when they do not match
// or nothing was observed.
[[nodiscard]] std::optional<WindowQuantiles> window_quantiles(const CumulativeBuckets& before,
                                                              const CumulativeBuckets& after);

}  // namespace wedge::station_bench
