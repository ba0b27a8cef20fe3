// LatencySamples: a set of measured intervals (ns) and their nearest-rank percentiles in ms.
// Loop thread only (not synchronised).
#pragma once

#include <cstdint>
#include <vector>

namespace wedge::station_bench {

class LatencySamples {
 public:
  void add(std::int64_t ns) {
    values_.push_back(ns);
    sorted_ = false;
  }
  std::size_t count() const { return values_.size(); }
  // Nearest rank: the smallest sample with at least p% of the samples at or below it; 0 when empty.
  double percentile_ms(double p) const;
  double max_ms() const { return percentile_ms(100.0); }

 private:
  mutable std::vector<std::int64_t> values_;
  mutable bool sorted_ = true;
};

}  // namespace wedge::station_bench
