// Shared fixture pieces for the printer integration tests: settings for a zpl-tcp printer pointed at
// the simulator (run_until and run_for drive the io_context: tests/support/scale_testing.hpp).
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "drivers/common/settings.hpp"
#include "drivers/printer/schema.hpp"
#include "tests/support/process.hpp"
#include "tests/support/scale_testing.hpp"

namespace wedge::test {

inline const std::string kSimScript = std::string(WEDGE_SOURCE_DIR) + "/scripts/sim/zpl-printer-sim";

inline drivers::Settings tcp_settings(int port, std::int64_t status_interval_ms = 100) {
  drivers::Settings s = settings_with_defaults(drivers::zpl_tcp_schema());
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
