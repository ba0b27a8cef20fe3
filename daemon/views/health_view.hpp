// GatewayHealth: the health checks (daemon/health/) fed from the daemon's parts, and wired into the
// HTTP view: GET /healthz gets the verdict with every check, GET /metrics gets wedge_healthy and
// wedge_health_check{check=…}. The app also asks it for systemd's STATUS= line.
//
// Loop thread only. `parts` and `loop` must outlive it; the view's functions call into it, so it
// must outlive the HTTP server too.
#pragma once

#include <string>
#include <string_view>

#include "daemon/config/config.hpp"
#include "daemon/views/gateway_view.hpp"
#include "daemon/health/health_monitor.hpp"
#include "daemon/health/loop_watchdog.hpp"

namespace wedge {

// The `health` section of the config.
health::HealthOptions health_options(const config::Config& config);

class GatewayHealth {
 public:
  GatewayHealth(const GatewayParts& parts, const health::LoopWatchdog& loop, health::HealthOptions options);

  [[nodiscard]] http::HealthReport evaluate();
  // STATUS= text: `normal` while healthy, "unhealthy: <check>: <reason>; <normal>" otherwise.
  // `changed` tells whether the verdict changed since the last call that reported a change.
  [[nodiscard]] std::string status_line(std::string_view normal, bool& changed);
  // Sets view.health, and appends the health metrics to what view.metrics returns.
  void attach(http::GatewayView& view);

 private:
  const GatewayParts& parts_;
  const health::LoopWatchdog& loop_;
  health::HealthMonitor monitor_;
};

}  // namespace wedge
