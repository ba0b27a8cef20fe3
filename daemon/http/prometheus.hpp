// PrometheusText: builds the text exposition format (version 0.0.4) served at GET /metrics.
//
// Each metric family is declared once with its HELP and TYPE (the first sample of a name writes
// them), then its samples follow; label values are escaped (\\, \", \n) so that a device id or a
// refusal reason can never break the format. Used by the server for its own counters and offered to
// the app for the gateway's figures. Not thread-safe; one instance per scrape.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wedge::http {

class PrometheusText {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // type: "counter", "gauge", "histogram" or "summary". A family's samples must be written
  // together, after its declaration.
  void declare(std::string_view name, std::string_view type, std::string_view help);

  void sample(std::string_view name, double value, const Labels& labels = {});
  void sample(std::string_view name, std::int64_t value, const Labels& labels = {});

  // A whole histogram from cumulative bucket counts (upper bounds ascending, +Inf appended):
  // name_bucket{le=…}, name_sum, name_count.
  void histogram(std::string_view name, const std::vector<std::pair<double, std::uint64_t>>& buckets,
                 double sum, std::uint64_t count, const Labels& labels = {});

  const std::string& text() const { return text_; }

 private:
  void write_sample(std::string_view name, const std::string& value, const Labels& labels);

  std::string text_;
  std::set<std::string, std::less<>> declared_;
};

// A sample value as Prometheus writes it (integers without ".0", +Inf/-Inf/NaN spelled out).
std::string format_prometheus_value(double value);

std::string escape_label_value(std::string_view value);

}  // namespace wedge::http
