#include "drivers/scale/stability_detector.hpp"

#include <algorithm>

namespace wedge::drivers::scale {

bool StabilityDetector::add(time_point at, double grams) {
  if (!samples_.empty() && at < samples_.back().at) samples_.clear();
  samples_.push_back({at, grams});
  const auto horizon = at - config_.window;
  // Keep exactly one sample at or before the horizon: it proves the run spans the whole window.
  while (samples_.size() >= 2 && samples_[1].at <= horizon) samples_.pop_front();
  while (samples_.size() > kMaxSamples) samples_.pop_front();

  double low = grams;
  double high = grams;
  int count = 0;
  for (auto it = samples_.rbegin(); it != samples_.rend(); ++it) {
    low = std::min(low, it->grams);
    high = std::max(high, it->grams);
    if (high - low > config_.tolerance_grams) return false;
    ++count;
    if (it->at <= horizon) return count >= config_.min_readings;
  }
  // The agreeing run does not reach back a full window yet.
  return false;
}

}  // namespace wedge::drivers::scale
