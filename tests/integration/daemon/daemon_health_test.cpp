// Health that tells the truth, on the real daemon (issue 17, item 3): a disk that fills up under
// the outbox, a broker that goes away past health.broker_unreachable_after_s, and an outbox past
// health.outbox_alarm_depth each make /healthz answer 503 with the check and its reason, show in
// /api/v1/outbox, /metrics, systemd's STATUS= and `wedgectl health`, and clear when the cause goes.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/support/mosquitto.hpp"
#include "tests/support/wedge_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using namespace wedge::test;  // the peers and helpers of tests/support
constexpr auto has = contains;

// The daemon on a disk that fills up under the outbox while a flag file exists
// (tests/support/disk_full_preload.cpp).
class HealthDaemon : public WedgeDaemon {
 public:
  HealthDaemon(const Mosquitto& broker, const std::string& health_yaml)
      : WedgeDaemon(options(broker, health_yaml)) {}

  void scan() const { (void)WedgeDaemon::scan("S1", "0109501101020917"); }
  void fill_disk() const { write_file(flag_path(), "full\n"); }
  void free_disk() const { std::remove(flag_path().c_str()); }

  // Runs `wedgectl health`; returns its exit code, stderr and stdout in `output`.
  int wedgectl_health(std::string& output) const {
    Subprocess ctl({wedgectl_binary(), "--url", "http://127.0.0.1:" + std::to_string(http_port()),
                    "health"},
                   file("wedgectl.log"));
    const int status = ctl.wait(15s);
    output = ctl.log();
    return status == -1 ? -1 : WEXITSTATUS(status);
  }

 private:
  std::string flag_path() const { return file("disk-full"); }
  static WedgeOptions options(const Mosquitto& broker, const std::string& health_yaml) {
    WedgeOptions o("gw-health", fast_broker(broker.uri()),
                                "kpi:\n  interval_s: 1\n" + health_yaml + "stations:\n  - id: S1\n    steps: [pick]\n");
    o.notify = true;
    const char* asan = std::getenv("ASAN_OPTIONS");
    o.env = {"LD_PRELOAD=" WEDGE_DISK_FULL_PRELOAD, "WEDGE_TEST_DISK_FULL_FLAG={dir}/disk-full",
             "WEDGE_TEST_DISK_FULL_PATH={dir}/state/outbox.db",
             // The shim is loaded before the sanitizer runtime of a WEDGE_SANITIZE build.
             std::string("ASAN_OPTIONS=") + (asan != nullptr ? std::string(asan) + ":" : "") + "verify_asan_link_order=0"};
    return o;
  }
};

TEST(DaemonHealth, AFullDiskUnderTheOutboxIsUnhealthyWithItsReasonUntilCommitsSucceedAgain) {
  Mosquitto broker;
  broker.start();
  HealthDaemon d(broker, "");
  HttpReply health;
  ASSERT_TRUE(wait_until([&] { return (health = d.get("/healthz")).status == 200; }, 15s)) << d.log();
  EXPECT_TRUE(has(health.body, R"("status":"ok","checks":[{"name":"storage","ok":true,"reason":""})")) << health.body;

  // The disk fills up: every commit of the outbox fails (telemetry each second, and the scans).
  d.fill_disk();
  ASSERT_TRUE(wait_until([&] {
    d.scan();
    return (health = d.get("/healthz")).status == 503;
  }, 15s)) << health.body << d.log();
  expect_contains_all(health.body, {R"("status":"unhealthy","reason":"storage: outbox.db cannot commit since )",
                                     R"({"name":"storage","ok":false,"reason":"outbox.db cannot commit since )",
                                     "database or disk is full", R"({"name":"broker","ok":true,"reason":""})"});
  expect_contains_all(d.get("/api/v1/outbox").body,
                      {R"("full":true,"buffer_full":false,"storage_failed":true,"storage_error":")", "disk is full"});
  expect_contains_all(d.get("/metrics").body,
                      {"\nwedge_healthy 0\n", "\nwedge_health_check{check=\"storage\"} 0\n",
                       "\nwedge_health_check{check=\"broker\"} 1\n", "\nwedge_outbox_storage_failed 1\n",
                       "\nwedge_outbox_full 1\n"});

  EXPECT_TRUE(wait_until([&] { return d.notify().received("STATUS=unhealthy: storage: outbox.db cannot commit"); }, 10s))
      << d.notify().last_with("STATUS=");
  std::string ctl;
  EXPECT_EQ(d.wedgectl_health(ctl), 1) << ctl;
  EXPECT_TRUE(has(ctl, "HTTP 503: storage: outbox.db cannot commit since ")) << ctl;

  // Room again: the next commit clears it everywhere.
  d.free_disk();
  ASSERT_TRUE(wait_until([&] {
    d.scan();
    return (health = d.get("/healthz")).status == 200;
  }, 15s)) << health.body << d.log();
  EXPECT_TRUE(has(d.get("/api/v1/outbox").body, R"("full":false,"buffer_full":false,"storage_failed":false,"storage_error":null)"));
  EXPECT_TRUE(has(d.get("/metrics").body, "\nwedge_healthy 1\n"));
  EXPECT_TRUE(wait_until([&] {
    const auto last = d.notify().last_with("STATUS=");
    return has(last, "STATUS=s1/gw-health: broker connected");
  }, 10s)) << d.notify().last_with("STATUS=");
  EXPECT_EQ(d.wedgectl_health(ctl), 0) << ctl;
}

TEST(DaemonHealth, ABrokerAwayPastTheLimitAndADeepOutboxAreUnhealthyUntilTheBrokerIsBack) {
  Mosquitto broker;
  broker.start();
  HealthDaemon d(broker, "health:\n  broker_unreachable_after_s: 1\n  outbox_alarm_depth: 3\n");
  HttpReply health;
  ASSERT_TRUE(wait_until([&] { return (health = d.get("/healthz")).status == 200; }, 15s)) << health.body << d.log();

  broker.stop();
  ASSERT_TRUE(wait_until([&] {
    d.scan();
    health = d.get("/healthz");
    return has(health.body, R"("name":"broker","ok":false)") && has(health.body, R"("name":"outbox","ok":false)");
  }, 20s)) << health.body << d.log();
  EXPECT_EQ(health.status, 503);
  expect_contains_all(health.body, {R"("status":"unhealthy","reason":"broker: broker unreachable for )",
                                     "(limit 1 s)", R"({"name":"outbox","ok":false,"reason":"outbox holds )",
                                     "(alarm above 3)", R"({"name":"storage","ok":true,"reason":""})"});
  expect_contains_all(d.get("/metrics").body, {"\nwedge_health_check{check=\"broker\"} 0\n",
                                               "\nwedge_health_check{check=\"outbox\"} 0\n", "\nwedge_healthy 0\n"});
  EXPECT_TRUE(wait_until([&] { return d.notify().received("STATUS=unhealthy: broker: broker unreachable for "); }, 10s))
      << d.notify().last_with("STATUS=");
  std::string ctl;
  EXPECT_EQ(d.wedgectl_health(ctl), 1) << ctl;
  EXPECT_TRUE(has(ctl, "HTTP 503: broker: broker unreachable for ")) << ctl;

  // The broker is back: the outbox drains and both checks pass again.
  broker.start();
  ASSERT_TRUE(wait_until([&] { return (health = d.get("/healthz")).status == 200; }, 20s)) << health.body << d.log();
  EXPECT_TRUE(has(d.get("/metrics").body, "\nwedge_health_check{check=\"broker\"} 1\n"));
}

}  // namespace
