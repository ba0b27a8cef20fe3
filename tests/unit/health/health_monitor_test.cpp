// The verdict behind /healthz, /metrics and STATUS=: every check with its reason, the broker's
// grace period, the outbox alarm depth, and the change flag the app uses to update STATUS= at once.
#include <gtest/gtest.h>

#include "daemon/health/health_monitor.hpp"

namespace {

using namespace std::chrono_literals;
using wedge::health::HealthInputs;
using wedge::health::HealthMonitor;
using wedge::health::HealthOptions;

const auto kStart = std::chrono::steady_clock::time_point(1000s);
constexpr std::int64_t kStartUnixMs = 1'796'000'000'000;

HealthInputs healthy_at(std::chrono::seconds after_start) {
  HealthInputs in;
  in.now = kStart + after_start;
  in.now_unix_ms = kStartUnixMs + std::chrono::milliseconds(after_start).count();
  in.broker_connected = true;
  in.loop_silent_for = 200ms;
  return in;
}

const wedge::http::HealthCheck& check(const wedge::http::HealthReport& r, const std::string& name) {
  for (const auto& c : r.checks)
    if (c.name == name) return c;
  throw std::runtime_error("no check " + name);
}

TEST(HealthMonitor, HealthyListsEveryCheckInOrder) {
  HealthMonitor monitor(HealthOptions{}, kStart, kStartUnixMs);
  const auto r = monitor.evaluate(healthy_at(1s));
  EXPECT_TRUE(r.healthy);
  EXPECT_EQ(r.reason, "");
  ASSERT_EQ(r.checks.size(), 4u);
  EXPECT_EQ(r.checks[0].name, "storage");
  EXPECT_EQ(r.checks[1].name, "loop");
  EXPECT_EQ(r.checks[2].name, "broker");
  EXPECT_EQ(r.checks[3].name, "outbox");
  for (const auto& c : r.checks) EXPECT_TRUE(c.ok) << c.name;
}

TEST(HealthMonitor, StorageFailureNamesEveryStoreWithItsReasonAndSince) {
  HealthMonitor monitor(HealthOptions{}, kStart, kStartUnixMs);
  auto in = healthy_at(5s);
  in.storage_failures = {{"outbox.db", "database or disk is full", kStartUnixMs + 2000},
                         {"stations.db", "disk I/O error", kStartUnixMs + 3000}};
  const auto r = monitor.evaluate(in);
  EXPECT_FALSE(r.healthy);
  const auto& storage = check(r, "storage");
  EXPECT_FALSE(storage.ok);
  EXPECT_EQ(storage.since_unix_ms, kStartUnixMs + 2000);
  EXPECT_NE(storage.reason.find("outbox.db cannot commit since 2026-"), std::string::npos) << storage.reason;
  EXPECT_NE(storage.reason.find("database or disk is full"), std::string::npos) << storage.reason;
  EXPECT_NE(storage.reason.find("stations.db cannot commit"), std::string::npos) << storage.reason;
  EXPECT_EQ(r.reason.rfind("storage: outbox.db cannot commit", 0), 0u) << r.reason;
  EXPECT_TRUE(check(r, "broker").ok);
}

TEST(HealthMonitor, BrokerAwayFailsOnlyAfterTheGracePeriodAndRecovers) {
  HealthOptions options;
  options.broker_unreachable_after = 60s;
  HealthMonitor monitor(options, kStart, kStartUnixMs);
  EXPECT_TRUE(monitor.evaluate(healthy_at(1s)).healthy);
  auto away = healthy_at(10s);
  away.broker_connected = false;
  EXPECT_TRUE(monitor.evaluate(away).healthy);
  away = healthy_at(70s);  // 60 s after it went away: not yet past the limit
  away.broker_connected = false;
  EXPECT_TRUE(monitor.evaluate(away).healthy);
  away = healthy_at(71s);
  away.broker_connected = false;
  const auto r = monitor.evaluate(away);
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(check(r, "broker").reason.rfind("broker unreachable for 61 s since 2026-", 0), 0u)
      << check(r, "broker").reason;
  EXPECT_NE(check(r, "broker").reason.find("(limit 60 s)"), std::string::npos);
  EXPECT_EQ(check(r, "broker").since_unix_ms, kStartUnixMs + 10000);
  EXPECT_TRUE(monitor.evaluate(healthy_at(72s)).healthy);
}

TEST(HealthMonitor, ABrokerNeverReachedCountsFromStartUp) {
  HealthOptions options;
  options.broker_unreachable_after = 5s;
  HealthMonitor monitor(options, kStart, kStartUnixMs);
  auto in = healthy_at(6s);
  in.broker_connected = false;
  const auto r = monitor.evaluate(in);
  EXPECT_FALSE(check(r, "broker").ok);
  EXPECT_EQ(check(r, "broker").since_unix_ms, kStartUnixMs);
}

TEST(HealthMonitor, OutboxPastItsAlarmDepthOrFullIsUnhealthy) {
  HealthOptions options;
  options.outbox_alarm_depth = 100;
  HealthMonitor monitor(options, kStart, kStartUnixMs);
  auto in = healthy_at(1s);
  in.outbox_depth = 100;
  EXPECT_TRUE(monitor.evaluate(in).healthy);
  in.outbox_depth = 101;
  auto r = monitor.evaluate(in);
  EXPECT_FALSE(check(r, "outbox").ok);
  EXPECT_EQ(check(r, "outbox").reason.rfind("outbox holds 101 events (alarm above 100)", 0), 0u)
      << check(r, "outbox").reason;
  in.outbox_depth = 5;
  in.outbox_full = true;
  r = monitor.evaluate(in);
  EXPECT_EQ(check(r, "outbox").reason.rfind("outbox full: 5 events", 0), 0u) << check(r, "outbox").reason;

  HealthOptions only_full;
  only_full.outbox_alarm_depth = 0;
  HealthMonitor lenient(only_full, kStart, kStartUnixMs);
  in.outbox_full = false;
  in.outbox_depth = 50'000'000;
  EXPECT_TRUE(lenient.evaluate(in).healthy);
}

TEST(HealthMonitor, ALoopSilentPastItsLimitFails) {
  HealthOptions options;
  options.loop_stall_after = 10s;
  HealthMonitor monitor(options, kStart, kStartUnixMs);
  auto in = healthy_at(30s);
  in.loop_silent_for = 12500ms;
  const auto r = monitor.evaluate(in);
  EXPECT_EQ(r.reason, "loop: event loop did not run for 12.5 s (limit 10 s)");
}

TEST(HealthMonitor, TakeChangeReportsEachChangeOfTheFailingChecksOnce) {
  HealthOptions options;
  options.outbox_alarm_depth = 10;
  HealthMonitor monitor(options, kStart, kStartUnixMs);
  (void)monitor.evaluate(healthy_at(1s));
  EXPECT_FALSE(monitor.take_change());
  auto in = healthy_at(2s);
  in.outbox_depth = 11;
  (void)monitor.evaluate(in);
  EXPECT_TRUE(monitor.take_change());
  in.outbox_depth = 12;  // same check failing, other figures: no news
  (void)monitor.evaluate(in);
  EXPECT_FALSE(monitor.take_change());
  (void)monitor.evaluate(healthy_at(3s));
  EXPECT_TRUE(monitor.take_change());
}

TEST(HealthMonitor, StatusLineAndMetricsSayTheSame) {
  HealthMonitor monitor(HealthOptions{}, kStart, kStartUnixMs);
  auto in = healthy_at(1s);
  EXPECT_EQ(wedge::health::status_line(monitor.evaluate(in), "s/g: broker connected"), "s/g: broker connected");
  in.storage_failures = {{"outbox.db", "database or disk is full", kStartUnixMs}};
  const auto r = monitor.evaluate(in);
  const auto line = wedge::health::status_line(r, "s/g: broker connected");
  EXPECT_EQ(line.rfind("unhealthy: storage: outbox.db cannot commit since ", 0), 0u) << line;
  EXPECT_NE(line.find("; s/g: broker connected"), std::string::npos) << line;

  wedge::http::PrometheusText text;
  wedge::health::append_health_metrics(text, r);
  EXPECT_NE(text.text().find("wedge_healthy 0\n"), std::string::npos) << text.text();
  EXPECT_NE(text.text().find("wedge_health_check{check=\"storage\"} 0\n"), std::string::npos) << text.text();
  EXPECT_NE(text.text().find("wedge_health_check{check=\"broker\"} 1\n"), std::string::npos) << text.text();
}

TEST(HealthMonitor, TimesInReasonsAreRfc3339ToTheSecond) {
  EXPECT_EQ(wedge::health::iso_utc(1'795'755'662'123), "2026-11-27T05:01:02Z");
  EXPECT_EQ(wedge::health::iso_utc(0), "1970-01-01T00:00:00Z");
}

}  // namespace
