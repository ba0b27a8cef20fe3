// HealthMonitor: turns what the daemon's parts report into the verdict that /healthz, /metrics and
// systemd's STATUS= show (docs/http-api.md "GET /healthz", docs/operations.md).
//
// Four checks, always in this order, each failing with a reason for the engineer on call:
// - storage: a SQLite file (outbox.db, stations.db, print.db, commands.db) cannot commit — disk
//   full, I/O error — since its first failed write and until a write commits again;
// - loop: the event loop's heartbeat is older than loop_stall_after (the loop was stuck and has
//   only just run again; while it is stuck nothing on it can answer, see LoopWatchdog);
// - broker: the MQTT broker has been unreachable for longer than broker_unreachable_after;
// - outbox: the outbox is full (stations refuse new work) or holds more than outbox_alarm_depth
//   events.
// evaluate() is pure apart from remembering since when the broker is away and logging each change
// of the set of failing checks (once, not every second).
//
// Threading: loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/storage_health.hpp"
#include "daemon/http/gateway_view.hpp"
#include "daemon/http/prometheus.hpp"

namespace wedge::health {

struct HealthOptions {
  std::chrono::seconds broker_unreachable_after{60};
  std::int64_t outbox_alarm_depth = 100000;  // 0 = only when full
  std::chrono::milliseconds loop_stall_after{10000};
};

// One look at the daemon, taken on the loop when a verdict is wanted.
struct HealthInputs {
  std::chrono::steady_clock::time_point now;
  std::int64_t now_unix_ms = 0;
  std::vector<core::StorageFailure> storage_failures;
  std::chrono::milliseconds loop_silent_for{0};  // since the loop's last heartbeat
  bool broker_connected = false;
  std::int64_t outbox_depth = 0;
  std::int64_t outbox_bytes = 0;
  bool outbox_full = false;  // the buffer limits are reached (storage failures are separate)
};

class HealthMonitor {
 public:
  // `started` counts as the moment the broker was last seen (a gateway that never connected is
  // unreachable since start-up).
  HealthMonitor(HealthOptions options, std::chrono::steady_clock::time_point started,
                std::int64_t started_unix_ms);

  [[nodiscard]] http::HealthReport evaluate(const HealthInputs& in);
  // True once after an evaluate() whose failing checks differ from the previous one's.
  [[nodiscard]] bool take_change();

  const HealthOptions& options() const { return options_; }

 private:
  HealthOptions options_;
  std::chrono::steady_clock::time_point broker_lost_;
  std::int64_t broker_lost_unix_ms_ = 0;
  bool broker_was_connected_ = false;
  std::string failing_;  // names of the failing checks at the last evaluate(), "" when healthy
  bool changed_ = false;
};

// "unhealthy: storage: outbox.db cannot commit …; <normal>" while unhealthy, else `normal`.
std::string status_line(const http::HealthReport& report, std::string_view normal);

// wedge_healthy and wedge_health_check{check=…} (1 = ok, 0 = failing).
void append_health_metrics(http::PrometheusText& text, const http::HealthReport& report);

// "2026-12-06T06:40:01Z".
std::string iso_utc(std::int64_t unix_ms);

}  // namespace wedge::health
