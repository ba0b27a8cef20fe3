// Light: a signal light tower / buzzer driven by named patterns, so workflows say
// signal("rejected") and never talk about coils.
//
// signal(name) switches to the named pattern at once (replacing any running one), blinks it if it
// has blink_ms, and after duration_ms (if not 0) returns to the idle pattern. An unknown name is
// logged as an error and changes nothing. The base class runs the pattern timers; a driver only
// writes whole coil images (write_coils) and reports health.
//
// Threading: loop thread only, like every Device.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/common/device.hpp"
#include "drivers/light/light_patterns.hpp"

namespace wedge::drivers::light {

class Light : public Device {
 public:
  // `idle_pattern` is shown at start and after timed patterns ("off" = all coils off).
  Light(boost::asio::any_io_executor loop, std::string id, LightPatterns patterns, int coil_count,
        std::string idle_pattern);
  ~Light() override;

  // Shows pattern `name`. Returns false (and logs an error) when no such pattern exists.
  bool signal(std::string_view name);
  // The pattern shown now (the idle pattern once a timed one has ended).
  const std::string& current_pattern() const { return current_; }
  const LightPatterns& patterns() const { return patterns_; }

 protected:
  // The driver writes this coil image (one 0/1 per coil) to the device. Called on every change.
  virtual void write_coils(const std::vector<std::uint8_t>& states) = 0;
  // Shows the idle pattern (drivers call it from start()).
  void show_idle();
  // Cancels the pattern timers (drivers call it from stop()).
  void stop_patterns();
  int coil_count() const { return coil_count_; }
  boost::asio::any_io_executor loop_;

 private:
  void show(const std::string& name, const LightPattern& pattern, bool timed);
  void blink_tick();

  LightPatterns patterns_;
  int coil_count_;
  std::string idle_;
  std::string current_;
  LightPattern current_pattern_;
  bool lit_ = false;
  std::uint64_t generation_ = 0;
  boost::asio::steady_timer blink_timer_;
  boost::asio::steady_timer duration_timer_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace wedge::drivers::light
