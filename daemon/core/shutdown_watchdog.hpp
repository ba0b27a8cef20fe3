// The last resort behind the shutdown bound (docs/operations.md, "Stop"): a thread that ends the
// process if the orderly stop has not finished by its deadline.
//
// The orderly stop is bounded by design: each step gets what is left of one shared budget
// (ShutdownBudget), and the only step that waits on the network (the MQTT link's goodbye) runs last
// with the remainder. The watchdog covers what cannot be bounded that way — a driver's worker thread
// stuck in a device call, a disk that stalls an fsync. When its deadline passes it logs the step that
// overran and calls _exit(0): no destructors run, nothing more is written. Nothing is lost by that:
// the outbox commits each event in its own SQLite transaction before any station says "accepted",
// and every event the broker has not acknowledged is still in outbox.db for the next start.
//
// Threading: construct, step() and disarm() on the loop thread; the watchdog's own thread only waits
// and, if it must, logs and exits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace wedge::core {

// What is left of one deadline, for steps that wait: each takes remaining(), never a fixed timeout.
class ShutdownBudget {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ShutdownBudget(std::chrono::milliseconds total) : deadline_(Clock::now() + total) {}
  [[nodiscard]] Clock::time_point deadline() const { return deadline_; }
  // Zero once the deadline has passed.
  [[nodiscard]] std::chrono::milliseconds remaining() const;

 private:
  Clock::time_point deadline_;
};

class ShutdownWatchdog {
 public:
  // Starts the watchdog thread; the process ends at `deadline` unless disarm() came first.
  explicit ShutdownWatchdog(ShutdownBudget::Clock::time_point deadline);
  // Disarms and joins.
  ~ShutdownWatchdog();
  ShutdownWatchdog(const ShutdownWatchdog&) = delete;
  ShutdownWatchdog& operator=(const ShutdownWatchdog&) = delete;

  // Names the step now running, for the message should the deadline pass during it.
  void step(std::string_view name);
  // The orderly stop finished: the thread ends without doing anything.
  void disarm();

 private:
  void watch();

  ShutdownBudget::Clock::time_point deadline_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool disarmed_ = false;  // guarded by mutex_
  std::string step_;       // guarded by mutex_
  std::chrono::steady_clock::time_point started_;
  std::thread thread_;
};

}  // namespace wedge::core
