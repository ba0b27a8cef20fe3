#include "daemon/core/systemd.hpp"

#include <systemd/sd-daemon.h>

#include <time.h>

#include <string>

namespace wedge::core {

namespace {
void notify(const std::string& text) { ::sd_notify(0, text.c_str()); }
}  // namespace

void notify_ready(std::string_view status) {
  notify("READY=1\nSTATUS=" + std::string(status));
}

// sd_notify(3): RELOADING=1 goes with the CLOCK_MONOTONIC time it was sent (systemd 253's
// Type=notify-reload requires it; older systemd, as Debian 12's 252, ignores the field).
void notify_reloading() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  notify("RELOADING=1\nSTATUS=reloading the configuration\nMONOTONIC_USEC=" + std::to_string(usec));
}

void notify_stopping() { notify("STOPPING=1\nSTATUS=stopping"); }

void notify_status(std::string_view status) { notify("STATUS=" + std::string(status)); }

void notify_watchdog() { notify("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  if (::sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace wedge::core
