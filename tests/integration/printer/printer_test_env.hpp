// Shared fixture pieces for the printer integration tests: an io_context driven from the test
// thread, settings for a zpl-tcp printer pointed at the simulator.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "drivers/common/settings.hpp"
#include "drivers/printer/schema.hpp"
#include "tests/support/process.hpp"

namespace wedge::test {

inline const std::string kSimScript = std::string(WEDGE_SOURCE_DIR) + "/scripts/sim/zpl-printer-sim";

// Runs the loop in small slices until `cond` holds (polling, never sleeping blindly).
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& cond,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return wait_until(
      [&] {
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
        return cond();
      },
      timeout, std::chrono::milliseconds(0));
}

// Runs the loop for a fixed time: used to show that something does NOT happen.
inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds duration) {
  const auto end = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
}

inline drivers::Settings tcp_settings(int port, std::int64_t status_interval_ms = 100) {
  drivers::Settings s;
  for (const auto& k : drivers::zpl_tcp_schema())
    if (k.default_value) s.set(k.name, *k.default_value);
  s.set("host", std::string("127.0.0.1"));
  s.set("port", std::int64_t{port});
  s.set("status_interval_ms", status_interval_ms);
  s.set("status_timeout_ms", std::int64_t{300});
  s.set("connect_timeout_ms", std::int64_t{1000});
  s.set("io_timeout_ms", std::int64_t{2000});
  s.set("reconnect_initial_ms", std::int64_t{20});
  s.set("reconnect_max_ms", std::int64_t{100});
  return s;
}

}  // namespace wedge::test
