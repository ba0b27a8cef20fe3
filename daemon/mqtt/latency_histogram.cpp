#include "daemon/mqtt/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace wedge::mqtt {

void LatencyHistogram::observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also NaN
  const auto bound = std::lower_bound(kBoundsSeconds.begin(), kBoundsSeconds.end(), seconds);
  ++per_bucket_[static_cast<std::size_t>(std::distance(kBoundsSeconds.begin(), bound))];
  if (std::isfinite(seconds)) sum_seconds_ += seconds;
  ++count_;
}

std::vector<std::pair<double, std::uint64_t>> LatencyHistogram::cumulative() const {
  std::vector<std::pair<double, std::uint64_t>> out;
  out.reserve(kBoundsSeconds.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBoundsSeconds.size(); ++i) {
    running += per_bucket_[i];
    out.emplace_back(kBoundsSeconds[i], running);
  }
  return out;
}

}  // namespace wedge::mqtt
