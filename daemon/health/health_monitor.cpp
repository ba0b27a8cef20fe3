#include "daemon/health/health_monitor.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "daemon/core/rfc3339.hpp"
#include "daemon/health/loop_watchdog.hpp"

namespace wedge::health {

namespace {

using namespace std::chrono;

double seconds_of(milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

http::HealthCheck storage_check(const HealthInputs& in) {
  http::HealthCheck check{"storage", true, {}, 0};
  for (const auto& failure : in.storage_failures) {
    if (!check.reason.empty()) check.reason += "; ";
    check.reason += fmt::format("{} cannot commit since {}: {}", failure.store,
                                iso_utc(failure.since_unix_ms), failure.reason);
    if (check.since_unix_ms == 0 || failure.since_unix_ms < check.since_unix_ms)
      check.since_unix_ms = failure.since_unix_ms;
  }
  check.ok = in.storage_failures.empty();
  return check;
}

http::HealthCheck loop_check(const HealthInputs& in, const HealthOptions& options) {
  if (in.loop_silent_for <= options.loop_stall_after) return {"loop", true, {}, 0};
  return {"loop", false, loop_stall_reason(in.loop_silent_for, options.loop_stall_after),
          in.now_unix_ms - in.loop_silent_for.count()};
}

http::HealthCheck outbox_check(const HealthInputs& in, const HealthOptions& options) {
  if (in.outbox_full)
    return {"outbox", false,
            fmt::format("outbox full: {} events, {} bytes stored; stations refuse new work",
                        in.outbox_depth, in.outbox_bytes),
            0};
  if (options.outbox_alarm_depth > 0 && in.outbox_depth > options.outbox_alarm_depth)
    return {"outbox", false,
            fmt::format("outbox holds {} events (alarm above {}): the broker is not taking them "
                        "fast enough",
                        in.outbox_depth, options.outbox_alarm_depth),
            0};
  return {"outbox", true, {}, 0};
}

}  // namespace

HealthMonitor::HealthMonitor(HealthOptions options, steady_clock::time_point started,
                             std::int64_t started_unix_ms)
    : options_(options), broker_lost_(started), broker_lost_unix_ms_(started_unix_ms) {}

http::HealthReport HealthMonitor::evaluate(const HealthInputs& in) {
  if (in.broker_connected) {
    broker_was_connected_ = true;
  } else if (broker_was_connected_) {
    broker_was_connected_ = false;
    broker_lost_ = in.now;
    broker_lost_unix_ms_ = in.now_unix_ms;
  }
  http::HealthCheck broker{"broker", true, {}, 0};
  const auto away = duration_cast<milliseconds>(in.now - broker_lost_);
  if (!in.broker_connected && away > options_.broker_unreachable_after) {
    broker.ok = false;
    broker.reason = fmt::format("broker unreachable for {:.0f} s since {} (limit {} s)", seconds_of(away),
                                iso_utc(broker_lost_unix_ms_), options_.broker_unreachable_after.count());
    broker.since_unix_ms = broker_lost_unix_ms_;
  }

  http::HealthReport report;
  report.checks = {storage_check(in), loop_check(in, options_), std::move(broker),
                   outbox_check(in, options_)};
  std::string failing;
  for (const auto& check : report.checks) {
    if (check.ok) continue;
    if (report.healthy) report.reason = check.name + ": " + check.reason;
    report.healthy = false;
    failing += (failing.empty() ? "" : ",") + check.name;
  }
  if (failing != failing_) {
    if (report.healthy)
      spdlog::info("health: ok again (was failing: {})", failing_);
    else
      spdlog::error("health: unhealthy ({}): {}", failing, report.reason);
    failing_ = std::move(failing);
    changed_ = true;
  }
  return report;
}

bool HealthMonitor::take_change() { return std::exchange(changed_, false); }

std::string status_line(const http::HealthReport& report, std::string_view normal) {
  if (report.healthy) return std::string(normal);
  return fmt::format("unhealthy: {}; {}", report.reason, normal);
}

void append_health_metrics(http::PrometheusText& text, const http::HealthReport& report) {
  text.declare("wedge_healthy", "gauge", "1 while every health check passes (/healthz answers 200).");
  text.sample("wedge_healthy", std::int64_t{report.healthy ? 1 : 0});
  text.declare("wedge_health_check", "gauge", "1 while the named /healthz check passes, 0 while it fails.");
  for (const auto& check : report.checks)
    text.sample("wedge_health_check", std::int64_t{check.ok ? 1 : 0}, {{"check", check.name}});
}

std::string iso_utc(std::int64_t unix_ms) {
  // The one RFC 3339 formatter, cut at the second: "….123Z" → "…Z" (seconds do in a reason).
  auto text = core::format_rfc3339_ms(unix_ms);
  text.erase(text.size() - 5, 4);
  return text;
}

}  // namespace wedge::health
