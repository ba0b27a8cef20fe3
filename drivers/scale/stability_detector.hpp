// StabilityDetector: decides in software whether a weight has settled, for scales that do not
// report stability themselves (a Modbus indicator without a stable bit).
//
// Contract: a weight is stable when the most recent readings agree within `tolerance_grams`
// (max - min), that agreeing run reaches back at least `window` in time, and it holds at least
// `min_readings` readings. A reading outside the tolerance starts a new run, so a weight that
// jumps is stable again only after a full window at its new value. reset() forgets everything
// (used on overload/error readings and reconnects). Memory is bounded by the window plus a hard cap.
//
// Pure value type, no I/O, not thread-safe; owned by one Scale on the loop thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

namespace wedge::drivers::scale {

struct StabilityConfig {
  double tolerance_grams = 2.0;
  std::chrono::milliseconds window{500};
  int min_readings = 3;
};

class StabilityDetector {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit StabilityDetector(StabilityConfig config) : config_(config) {}

  // Adds a reading and returns whether the weight is stable as of this reading. Readings must come
  // in time order; an older timestamp than the last one resets the detector first.
  bool add(time_point at, double grams);
  void reset() { samples_.clear(); }
  const StabilityConfig& config() const { return config_; }

 private:
  struct Sample {
    time_point at;
    double grams;
  };
  static constexpr std::size_t kMaxSamples = 4096;
  StabilityConfig config_;
  std::deque<Sample> samples_;
};

}  // namespace wedge::drivers::scale
