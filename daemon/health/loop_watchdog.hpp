// LoopWatchdog: the event loop's heartbeat, systemd's WATCHDOG=1, and a thread that notices when
// the loop stops.
//
// A timer on the loop ticks every `heartbeat` (shortened to systemd's watchdog interval when that
// is smaller). Each tick records the time in an atomic and, when systemd asked for keep-alives
// (WatchdogSec=), sends WATCHDOG=1 — so WATCHDOG=1 goes out only while the loop really runs, and
// a stuck loop gets the daemon restarted by systemd.
//
// The HTTP server, /healthz included, runs on the same loop, so nothing can answer /healthz while
// the loop is stuck. The watchdog thread is the part that still sees it: when the last tick is
// older than `stall_after` it logs the stall and calls `on_stall` (the app sets systemd's STATUS=
// "unhealthy: loop: …"), once per stall; when the loop ticks again it logs how long it was away.
// silent_for() feeds the "loop" check of /healthz (daemon/health/health_monitor.hpp).
//
// Threading: construct, start(), stop() and destroy on the loop thread; silent_for() from any
// thread; on_stall runs on the watchdog thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace wedge::health {

// "event loop did not run for 12.5 s (limit 10 s)": the reason of a stall, here and in /healthz.
std::string loop_stall_reason(std::chrono::milliseconds silent, std::chrono::milliseconds limit);

class LoopWatchdog {
 public:
  struct Options {
    std::chrono::milliseconds heartbeat{1000};
    std::chrono::milliseconds stall_after{10000};
    // systemd's keep-alive interval (core::watchdog_interval()); nullopt = no WATCHDOG=1.
    std::optional<std::chrono::microseconds> systemd_interval;
    // Called on the watchdog thread once per stall with the reason ("event loop did not run for …").
    std::function<void(const std::string& reason)> on_stall;
  };

  LoopWatchdog(boost::asio::any_io_executor loop, Options options);
  ~LoopWatchdog();
  LoopWatchdog(const LoopWatchdog&) = delete;
  LoopWatchdog& operator=(const LoopWatchdog&) = delete;

  void start();
  // Cancels the heartbeat and joins the watchdog thread (at shutdown, before the loop ends).
  void stop();

  // Time since the loop's last heartbeat (0 before start()).
  std::chrono::milliseconds silent_for() const;

 private:
  void arm();
  void beat();
  void watch();

  Options options_;
  std::chrono::milliseconds period_;
  boost::asio::steady_timer timer_;
  std::atomic<std::int64_t> last_beat_ns_{0};  // steady_clock, since its epoch
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wedge::health
