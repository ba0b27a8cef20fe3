#include "daemon/core/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace wedge::core {

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()), per_bucket_(bounds.size() + 1, 0) {}

void Histogram::observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also NaN
  const auto bound = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);
  ++per_bucket_[static_cast<std::size_t>(std::distance(bounds_.begin(), bound))];
  if (std::isfinite(seconds)) sum_seconds_ += seconds;
  ++count_;
}

bool Histogram::restore(const std::vector<std::uint64_t>& per_bucket, double sum_seconds) {
  if (per_bucket.size() != per_bucket_.size() || !(sum_seconds >= 0)) return false;
  per_bucket_ = per_bucket;
  sum_seconds_ = sum_seconds;
  count_ = 0;
  for (const auto n : per_bucket_) count_ += n;
  return true;
}

std::vector<std::pair<double, std::uint64_t>> Histogram::cumulative() const {
  std::vector<std::pair<double, std::uint64_t>> out;
  out.reserve(bounds_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    running += per_bucket_[i];
    out.emplace_back(bounds_[i], running);
  }
  return out;
}

}  // namespace wedge::core
