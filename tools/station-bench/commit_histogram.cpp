#include "tools/station-bench/commit_histogram.hpp"

#include <chrono>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "tools/wedgectl/http_client.hpp"

namespace wedge::station_bench {

CumulativeBuckets parse_histogram(const std::string& metrics_text, const std::string& metric) {
  CumulativeBuckets out;
  const std::string prefix = metric + "_bucket{le=\"";
  std::istringstream lines(metrics_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    const auto quote = line.find('"', prefix.size());
    const auto brace = line.find("} ", quote);
    if (quote == std::string::npos || brace == std::string::npos) continue;
    const std::string le = line.substr(prefix.size(), quote - prefix.size());
    const double bound = le == "+Inf" ? std::numeric_limits<double>::infinity() : std::strtod(le.c_str(), nullptr);
    out.emplace_back(bound, std::strtod(line.c_str() + brace + 2, nullptr));
  }
  return out;
}

std::optional<CumulativeBuckets> read_commit_histogram(int http_port) {
  const ctl::BaseUrl base{"127.0.0.1", std::to_string(http_port), ""};
  const auto reply = ctl::http_call(base, "GET", "/metrics", "", "", std::chrono::seconds(5));
  if (!reply.ok || reply.status != 200) return std::nullopt;
  auto buckets = parse_histogram(reply.body, "wedge_outbox_commit_seconds");
  if (buckets.empty()) return std::nullopt;
  return buckets;
}

std::optional<WindowQuantiles> window_quantiles(const CumulativeBuckets& before, const CumulativeBuckets& after) {
  if (before.size() != after.size() || after.empty()) return std::nullopt;
  WindowQuantiles q;
  q.count = after.back().second - before.back().second;
  if (q.count <= 0) return std::nullopt;
  auto bound_at = [&](double fraction) {
    for (std::size_t i = 0; i < after.size(); ++i)
      if (after[i].second - before[i].second >= fraction * q.count) return after[i].first;
    return after.back().first;
  };
  q.p50_le = bound_at(0.5);
  q.p99_le = bound_at(0.99);
  return q;
}

}  // namespace wedge::station_bench
