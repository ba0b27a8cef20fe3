#include "tools/station-bench/latency_samples.hpp"

#include <algorithm>
#include <cmath>

namespace wedge::station_bench {

double LatencySamples::percentile_ms(double p) const {
  if (values_.empty()) return 0.0;
  if (!sorted_) {
    std::sort(values_.begin(), values_.end());
    sorted_ = true;
  }
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values_.size()));
  const auto index = static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(values_.size()))) - 1;
  return static_cast<double>(values_[index]) / 1e6;
}

}  // namespace wedge::station_bench
