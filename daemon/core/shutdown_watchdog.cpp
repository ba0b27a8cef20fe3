#include "daemon/core/shutdown_watchdog.hpp"

#include <unistd.h>

#include <cstdio>

#include <spdlog/spdlog.h>

namespace wedge::core {

std::chrono::milliseconds ShutdownBudget::remaining() const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
  return left.count() > 0 ? left : std::chrono::milliseconds{0};
}

ShutdownWatchdog::ShutdownWatchdog(ShutdownBudget::Clock::time_point deadline)
    : deadline_(deadline), started_(ShutdownBudget::Clock::now()), thread_([this] { watch(); }) {}

ShutdownWatchdog::~ShutdownWatchdog() {
  disarm();
  if (thread_.joinable()) thread_.join();
}

void ShutdownWatchdog::step(std::string_view name) {
  std::lock_guard lock(mutex_);
  step_ = name;
}

void ShutdownWatchdog::disarm() {
  {
    std::lock_guard lock(mutex_);
    disarmed_ = true;
  }
  wake_.notify_one();
}

void ShutdownWatchdog::watch() {
  std::unique_lock lock(mutex_);
  if (wake_.wait_until(lock, deadline_, [this] { return disarmed_; })) return;
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(ShutdownBudget::Clock::now() - started_);
  spdlog::error("shutdown bound passed after {} ms, still in step '{}': exiting now; events not yet "
                "acknowledged stay in the outbox for the next start",
                waited.count(), step_);
  spdlog::default_logger()->flush();
  std::fflush(stderr);
  // The promise to systemd and the operator is the bound; the loop thread is stuck in `step_`, so
  // no orderly exit is possible. _exit skips the destructors that would wait on it.
  ::_exit(0);
}

}  // namespace wedge::core
