// Shared fixture for the scanner integration tests: an io_context pumped by the test's main thread
// while it polls (so driver state needs no locks), and a recording of scans and health changes.
#pragma once

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "drivers/common/settings.hpp"
#include "drivers/scanner/factory.hpp"
#include "tests/support/process.hpp"
#include "tests/support/scale_testing.hpp"
#include "tests/support/scanner_sim.hpp"

namespace wedge::test {

inline std::string scanner_sim_script() { return WEDGE_SOURCE_DIR "/scripts/sim/scanner-sim"; }

class ScannerFixture : public ::testing::Test {
 protected:
  using ScanEvent = drivers::scanner::ScanEvent;

  void TearDown() override {
    if (scanner) scanner->stop();
    if (HasFailure() && sim) std::cerr << "--- simulator log ---\n" << sim->log() << "\n";
  }

  // Creates, wires and starts a driver.
  void start(std::string_view driver, const drivers::Settings& settings) {
    scanner = drivers::scanner::make_scanner(io.get_executor(), "scan-1", driver, settings);
    ASSERT_TRUE(scanner);
    scanner->set_scan_handler([this](const ScanEvent& event) { events.push_back(event); });
    scanner->set_health_handler([this](const drivers::Health& h) { health.push_back(h); });
    scanner->start();
  }

  // Polls `condition` while running the loop; never sleeps without running it.
  bool wait(const std::function<bool()>& condition,
            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return run_until(io, condition, timeout);
  }
  bool wait_events(std::size_t n) { return wait([&] { return events.size() >= n; }); }
  bool wait_health(drivers::HealthState state, const std::string& reason_part = {}) {
    return wait([&] {
      const auto& h = scanner->health();
      return h.state == state && h.reason.find(reason_part) != std::string::npos;
    });
  }
  // Like wait_health, but any recorded health change counts, not only the current one: a
  // transient state (a read error before the next reconnect attempt) may be gone when polled.
  bool wait_health_seen(drivers::HealthState state, const std::string& reason_part) {
    return wait([&] {
      for (const auto& h : health)
        if (h.state == state && h.reason.find(reason_part) != std::string::npos) return true;
      return false;
    });
  }
  // Runs the loop for `duration` (to show that nothing happens).
  void run_for(std::chrono::milliseconds duration) { test::run_for(io, duration); }

  // "data" for good scans, "!reason" for rejected ones.
  std::vector<std::string> summary() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.ok ? e.data : "!" + e.reason);
    return out;
  }

  static drivers::Settings settings(
      std::vector<std::pair<std::string, drivers::Value>> values) {
    drivers::Settings s;
    for (auto& [key, value] : values) s.set(key, value);
    return s;
  }

  boost::asio::io_context io;
  TempDir dir;
  std::unique_ptr<ScannerSim> sim;
  std::unique_ptr<drivers::scanner::Scanner> scanner;
  std::vector<ScanEvent> events;
  std::vector<drivers::Health> health;
};

}  // namespace wedge::test
