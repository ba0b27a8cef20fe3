#include "daemon/health/loop_watchdog.hpp"

#include <pthread.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/core/systemd.hpp"

namespace wedge::health {

namespace {

using namespace std::chrono;

std::int64_t steady_now_ns() {
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

double seconds_of(milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace

std::string loop_stall_reason(milliseconds silent, milliseconds limit) {
  return fmt::format("event loop did not run for {:.1f} s (limit {:g} s)", seconds_of(silent), seconds_of(limit));
}

LoopWatchdog::LoopWatchdog(boost::asio::any_io_executor loop, Options options)
    : options_(std::move(options)),
      period_(options_.systemd_interval
                  ? std::min(options_.heartbeat, duration_cast<milliseconds>(*options_.systemd_interval))
                  : options_.heartbeat),
      timer_(loop) {
  period_ = std::max(period_, milliseconds(1));
}

LoopWatchdog::~LoopWatchdog() { stop(); }

void LoopWatchdog::start() {
  beat();
  arm();
  thread_ = std::thread([this] { watch(); });
}

void LoopWatchdog::stop() {
  timer_.cancel();
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

milliseconds LoopWatchdog::silent_for() const {
  const auto last = last_beat_ns_.load();
  if (last == 0) return milliseconds(0);
  return duration_cast<milliseconds>(nanoseconds(steady_now_ns() - last));
}

void LoopWatchdog::beat() {
  last_beat_ns_.store(steady_now_ns());
  if (options_.systemd_interval) core::notify_watchdog();
}

void LoopWatchdog::arm() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    beat();
    arm();
  });
}

void LoopWatchdog::watch() {
  // Named, so that per-thread CPU (/proc/<pid>/task/*/comm, top -H, scripts/bench scan) tells it apart.
  ::pthread_setname_np(::pthread_self(), "loop-watchdog");
  // Checks a few times per stall limit: a stall is seen at most a quarter of the limit late.
  const auto check_every = std::max(milliseconds(10), options_.stall_after / 4);
  bool stalled = false;
  milliseconds longest{0};
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, check_every, [this] { return stopping_; })) {
    const auto silent = silent_for();
    if (silent > options_.stall_after) {
      longest = std::max(longest, silent);
      if (stalled) continue;
      stalled = true;
      const auto reason = loop_stall_reason(silent, options_.stall_after);
      spdlog::critical("loop watchdog: {}; HTTP, stations and the uplink are not being served", reason);
      if (options_.on_stall) options_.on_stall(reason);
    } else if (stalled) {
      stalled = false;
      spdlog::warn("loop watchdog: the event loop runs again after at least {:.1f} s", seconds_of(longest));
      longest = milliseconds(0);
    }
  }
}

}  // namespace wedge::health
