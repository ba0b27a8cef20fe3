// A token bucket that paces the replay of a backlog after an outage (mqtt.replay_rate_per_s,
// mqtt.replay_burst): some brokers disconnect a client that bursts thousands of publishes.
// Not thread-safe; owned by the loop thread.
#pragma once

#include <algorithm>
#include <chrono>

namespace wedge::mqtt {

class TokenBucket {
 public:
  using clock = std::chrono::steady_clock;

  TokenBucket(double rate_per_s, double burst) : rate_per_s_(rate_per_s), burst_(burst), tokens_(burst) {}

  bool enabled() const { return rate_per_s_ > 0; }

  // Takes one token if there is one.
  bool try_take(clock::time_point now = clock::now()) {
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // How long until one token is available (zero if one is).
  std::chrono::microseconds wait_time(clock::time_point now = clock::now()) {
    refill(now);
    if (tokens_ >= 1.0 || rate_per_s_ <= 0) return std::chrono::microseconds(0);
    return std::chrono::microseconds(static_cast<long long>((1.0 - tokens_) / rate_per_s_ * 1e6) + 1);
  }

  void fill() { tokens_ = burst_; last_ = clock::now(); }

 private:
  void refill(clock::time_point now) {
    if (last_ == clock::time_point{}) last_ = now;
    const double elapsed_s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed_s * rate_per_s_);
  }

  double rate_per_s_;
  double burst_;
  double tokens_;
  clock::time_point last_{};
};

}  // namespace wedge::mqtt
