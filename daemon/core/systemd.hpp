// The daemon's side of the systemd service protocol (sd_notify(3)): READY=1, RELOADING=1,
// STOPPING=1, STATUS=…, and WATCHDOG=1 keep-alives.
//
// Every call is a no-op when NOTIFY_SOCKET is unset (the daemon run by hand or in tests without a
// listener). Loop thread only, except notify_status(), which the loop watchdog's thread also calls
// to say the loop is stuck (sd_notify opens its own socket per call).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace wedge::core {

void notify_ready(std::string_view status);
void notify_reloading();  // RELOADING=1 with MONOTONIC_USEC; READY=1 (notify_ready) ends the reload
void notify_stopping();
void notify_status(std::string_view status);
void notify_watchdog();

// The interval at which WATCHDOG=1 must be sent (half of WATCHDOG_USEC), when systemd asked for it.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace wedge::core
