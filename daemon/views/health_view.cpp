#include "daemon/views/health_view.hpp"

#include <chrono>

#include "daemon/core/storage_health.hpp"

namespace wedge {

namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

health::HealthOptions health_options(const config::Config& config) {
  const auto& s = config.section("health");
  health::HealthOptions options;
  options.broker_unreachable_after = std::chrono::seconds(s.get_int("broker_unreachable_after_s"));
  options.outbox_alarm_depth = s.get_int("outbox_alarm_depth");
  options.loop_stall_after = std::chrono::seconds(s.get_int("loop_stall_after_s"));
  return options;
}

GatewayHealth::GatewayHealth(const GatewayParts& parts, const health::LoopWatchdog& loop,
                             health::HealthOptions options)
    : parts_(parts), loop_(loop), monitor_(options, std::chrono::steady_clock::now(), now_unix_ms()) {}

http::HealthReport GatewayHealth::evaluate() {
  const auto out = parts_.outbox.stats();
  health::HealthInputs in;
  in.now = std::chrono::steady_clock::now();
  in.now_unix_ms = now_unix_ms();
  in.storage_failures = core::StorageHealth::instance().failures();
  // The outbox also fails a commit for reasons SQLite did not report (its writer caught an
  // exception): count that too, once.
  if (out.storage_failed) {
    bool listed = false;
    for (const auto& failure : in.storage_failures) listed = listed || failure.store == "outbox.db";
    if (!listed) in.storage_failures.push_back({"outbox.db", out.storage_reason, out.storage_failed_since_unix_ms});
  }
  in.loop_silent_for = loop_.silent_for();
  in.broker_connected = parts_.link.stats().connected;
  in.outbox_depth = out.depth;
  in.outbox_bytes = out.bytes;
  in.outbox_full = out.full;
  return monitor_.evaluate(in);
}

std::string GatewayHealth::status_line(std::string_view normal, bool& changed) {
  const auto report = evaluate();
  changed = monitor_.take_change();
  return health::status_line(report, normal);
}

void GatewayHealth::attach(http::GatewayView& view) {
  view.health = [this] { return evaluate(); };
  view.metrics = [this, gateway = std::move(view.metrics)] {
    std::string text = gateway ? gateway() : std::string();
    http::PrometheusText health;
    health::append_health_metrics(health, evaluate());
    return text + health.text();
  };
}

}  // namespace wedge
