// The wedge daemon: owns the io_context and everything that runs on it.
//
// run() starts the services for a validated Config, tells systemd READY=1, then runs the loop until
// SIGTERM/SIGINT, when it stops accepting work, flushes and disconnects, and returns within the
// shutdown bound (5 s). SIGHUP re-reads and re-validates the config file: an invalid one is refused
// with every error logged, and the daemon keeps running on the old one. WATCHDOG=1 is sent from the
// loop's heartbeat, so a stuck loop makes systemd restart us (daemon/health/loop_watchdog.hpp).
// STATUS= starts with "unhealthy: <check>: <reason>" while a health check fails (daemon/health/).
//
// Construct and run on the main thread; that thread becomes the loop thread.
#pragma once

#include <memory>

#include "daemon/config/config.hpp"

namespace wedge {

class App {
 public:
  explicit App(config::Config config);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Returns the process exit code.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wedge
