// Header-only helpers for the driver tests (scale, light, printer, scanner): settings filled from a driver's
// declared schema (as the config validator would), and running an io_context until a condition
// holds (the drivers live on that loop; the test drives it from its own thread, so no locks).
// Test main thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

#include "drivers/common/settings.hpp"

namespace wedge::test {

// Settings holding every default of `schema`; required keys are left for the test to set.
inline drivers::Settings settings_with_defaults(const drivers::Schema& schema) {
  drivers::Settings settings;
  for (const auto& spec : schema)
    if (spec.default_value) settings.set(spec.name, *spec.default_value);
  return settings;
}

// Runs `io` until `condition` holds or `timeout` passes; returns the condition's last value.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Runs `io` for `duration` (to let a driver work for a while, e.g. to prove nothing happens).
inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
}

}  // namespace wedge::test
