// Exponential back-off with full jitter for reconnect loops (drivers and the MQTT link).
//
// next() returns min(max, initial * 2^n) scaled by a random factor in [0.5, 1.0], so that many
// gateways or devices that lost the same peer do not retry in lock step. reset() after a success.
// Not thread-safe; owned by one loop.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace wedge::drivers {

class Backoff {
 public:
  using duration = std::chrono::milliseconds;

  Backoff(duration initial, duration max) : initial_(initial), max_(max) {}

  duration next() {
    const auto shift = std::min(attempt_, 20);
    ++attempt_;
    const auto base = std::min<long long>(max_.count(), initial_.count() << shift);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return duration(static_cast<long long>(static_cast<double>(base) * jitter(rng_)));
  }
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  duration initial_;
  duration max_;
  int attempt_ = 0;
  std::minstd_rand rng_{std::random_device{}()};
};

}  // namespace wedge::drivers
