// The shutdown promise (docs/operations.md, "Stop"): SIGTERM ends the wedge binary within 5 s, with
// the outbox closed consistently, however the broker behaves and while commits are in flight.
//
// 5 s is the documented contract, not a speed target: the daemon's own bound is 4 s (its watchdog),
// which leaves a second for a busy 2-core machine. Each test measures from the signal to the
// child's exit status.
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/mosquitto.hpp"
#include "tests/support/scanner_sim.hpp"
#include "tests/support/wedge_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using namespace wedge::test;  // the peers and helpers of tests/support

const std::string kScannerScript = std::string(WEDGE_SOURCE_DIR) + "/scripts/sim/scanner-sim";
constexpr auto kPromise = 5s;

// The body of a GET that answers 200, or nullopt (nothing answers, or another status).
std::optional<std::string> http_get(int port, const std::string& path) {
  auto reply = http_request(port, "GET", path);
  return reply.status == 200 ? std::optional(std::move(reply.body)) : std::nullopt;
}

struct Daemon : WedgeDaemon {
  // `extra` is appended to the config (devices, stations).
  explicit Daemon(const std::string& broker_uri, const std::string& extra = "")
      : WedgeDaemon({"gw1", fast_broker(broker_uri, 500), extra}) {}
  bool serving() const { return http_get(http_port(), "/healthz").has_value(); }

  struct Stop {
    int status = -1;  // waitpid status, -1 when still running after 10 s
    std::chrono::milliseconds took{};
  };
  // SIGTERM and wait (longer than the promise, so a late exit is measured rather than cut off).
  Stop terminate() {
    const auto start = std::chrono::steady_clock::now();
    process().signal(SIGTERM);
    Stop stop;
    stop.status = process().wait(10s);
    stop.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    return stop;
  }
};

void expect_kept_the_promise(const Daemon& d, const Daemon::Stop& stop) {
  ASSERT_NE(stop.status, -1) << "still running 10 s after SIGTERM\n" << d.log();
  EXPECT_LT(stop.took, kPromise) << "stopped after " << stop.took.count() << " ms\n" << d.log();
  EXPECT_TRUE(WIFEXITED(stop.status)) << d.log();
  EXPECT_EQ(WEXITSTATUS(stop.status), 0) << d.log();
  EXPECT_TRUE(d.log_has("wedge stopped")) << "the orderly stop should finish within its budget\n" << d.log();
  std::cerr << "SIGTERM to exit: " << stop.took.count() << " ms\n";
}

TEST(DaemonShutdown, WithinFiveSecondsWhileNothingListensOnTheBrokerPort) {
  Daemon d("mqtt://127.0.0.1:" + std::to_string(free_tcp_port()));
  ASSERT_TRUE(wait_until([&] { return d.serving(); }, 15s)) << d.log();
  expect_kept_the_promise(d, d.terminate());
}

TEST(DaemonShutdown, WithinFiveSecondsWhileTheBrokerAcceptsTcpButNeverAnswers) {
  SilentTcpListener broker;
  Daemon d("mqtt://127.0.0.1:" + std::to_string(broker.port()));
  ASSERT_TRUE(wait_until([&] { return d.serving(); }, 15s)) << d.log();
  expect_kept_the_promise(d, d.terminate());
}

TEST(DaemonShutdown, WithinFiveSecondsWhenTheBrokerFreezesMidSession) {
  Mosquitto broker;
  broker.start();
  Daemon d(broker.uri());
  ASSERT_TRUE(wait_until([&] { return d.log_has("mqtt connected"); }, 15s)) << d.log();
  // Frozen: the daemon's connections stay open, its offline status and DISCONNECT get no answer.
  broker.signal(SIGSTOP);
  const auto stop = d.terminate();
  broker.signal(SIGCONT);
  expect_kept_the_promise(d, stop);
}

// One sample of GET /metrics, e.g. `wedge_station_picks_total{station="st1"}`; nullopt when the
// server does not answer.
std::optional<long> metric(int http_port, const std::string& sample) {
  const auto metrics = http_get(http_port, "/metrics");
  if (!metrics) return std::nullopt;
  const auto at = metrics->find(sample + " ");
  if (at == std::string::npos) return std::nullopt;
  return std::stol(metrics->substr(at + sample.size() + 1));
}

// The units the station reports picked (it counts a pick only once its event is committed).
std::optional<long> units_picked(int http_port) { return metric(http_port, R"(wedge_station_picks_total{station="st1"})"); }

// Events stored in the outbox file, of `type` (all when empty).
long outbox_rows(const std::string& db_path, const std::string& type) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK) << db_path;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM events WHERE ?1 = '' OR type = ?1", -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_bind_text(stmt, 1, type.c_str(), -1, SQLITE_TRANSIENT);
  long rows = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) rows = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

// Restarted on the same state (after the first one exited), the daemon reports as its outbox depth
// the events the file holds. Nothing may feed it new work meanwhile (the caller stops its scanner:
// scans still queued in the simulator once reached the restarted daemon and made the depth 9–44
// more than the file had held). One thing may still come on top: a station's KPI window that
// closes (on the minute, kpi.interval_s) while the restarted daemon runs stores station.kpi
// telemetry. So the restarted daemon is stopped again and the station.kpi rows it added are allowed.
void expect_the_restart_finds_the_outbox(const Daemon& d) {
  const std::string file = d.file("state/outbox.db");
  const long stored = outbox_rows(file, "");
  const long kpi_before = outbox_rows(file, "station.kpi");
  ASSERT_GE(stored, 0);
  Subprocess again({wedge_binary(), "--config", d.config_path()}, d.file("again.log"));
  std::optional<std::string> outbox;
  ASSERT_TRUE(wait_until([&] { return (outbox = http_get(d.http_port(), "/api/v1/outbox")).has_value(); }, 15s))
      << again.log();
  again.signal(SIGTERM);
  ASSERT_NE(again.wait(10s), -1) << again.log();
  const long kpi_added = outbox_rows(file, "station.kpi") - kpi_before;
  const std::string depth_key = "\"depth\":";
  const auto at = outbox->find(depth_key);
  ASSERT_NE(at, std::string::npos) << *outbox;
  const long depth = std::stol(outbox->substr(at + depth_key.size()));
  std::cerr << "restart: the file held " << stored << " events, the restarted daemon reported depth " << depth
            << " and added " << kpi_added << " station.kpi\n";
  EXPECT_GE(depth, stored) << *outbox << " (the file held " << stored << " events)";
  EXPECT_LE(depth, stored + kpi_added) << *outbox << " (the file held " << stored << " events; the restarted daemon added "
                                       << kpi_added << " station.kpi)";
}

// A pick station with a TCP scanner (the simulator listens, the daemon's driver connects).
struct ScannerStation {
  TempDir sim_dir;
  ScannerSim scanner{kScannerScript, {"--tcp-listen", "0"}, sim_dir};
  std::string config() const {
    int port = -1;
    EXPECT_TRUE(wait_until([&] { return (port = scanner.listen_port()) > 0; })) << scanner.log();
    return "devices:\n  - id: scan-1\n    kind: scanner\n    driver: tcp\n    mode: client\n"
           "    host: 127.0.0.1\n    port: " + std::to_string(port) +
           "\n    reconnect_initial_ms: 100\n    reconnect_max_ms: 300\n"
           "stations:\n  - id: st1\n    steps: [pick]\n    scanner: scan-1\n";
  }
};

TEST(DaemonShutdown, EveryPickReportedBeforeTheStopIsInTheOutboxAfterIt) {
  Mosquitto broker;
  broker.start();
  ScannerStation station;
  auto& scanner = station.scanner;
  Daemon d(broker.uri(), station.config());
  ASSERT_TRUE(wait_until([&] { return d.log_has("mqtt connected"); }, 15s)) << d.log();
  ASSERT_TRUE(wait_until([&] { return scanner.log_contains("CONNECTED"); }, 15s)) << scanner.log();
  Subprocess pub({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1", "-t",
                  "wedge/v1/s1/gw1/cmd/pick_list", "-m",
                  R"({"schema":1,"id":"c-1","type":"pick_list","order_id":"O-1","station":"st1","data":)"
                  R"({"ship_date":"2030-06-16","lines":[{"sku":"A-1","gtins":["09506000134352"],"qty":100000}]}})"},
                 station.sim_dir.file("pub.log"));
  ASSERT_TRUE(wait_until([&] { return d.log_has("station=st1 order=O-1 picking"); }, 15s)) << d.log();
  // No broker from here on: no event leaves the outbox, so the outbox holds every one committed.
  broker.stop();

  // A steady stream of item scans, far more than the stop leaves time for: commits are in flight
  // when SIGTERM arrives. Bursts topped up while waiting, not one of 20,000: the daemon could read
  // that whole before its first commit came back, refuse all but the 32 scans a station queues
  // (busy), and never reach the 50 picks waited for (seen once refusals got cheaper to show).
  long reported = 0;
  ASSERT_TRUE(wait_until([&] {
    scanner.send(std::vector<std::string>(500, "09506000134352"));
    reported = units_picked(d.http_port()).value_or(0);
    return reported >= 50;
  }, 30s)) << d.log();
  const auto start = std::chrono::steady_clock::now();
  d.process().signal(SIGTERM);
  // The last figure the daemon reports before its HTTP server closes.
  while (const auto picked = units_picked(d.http_port())) reported = std::max(reported, *picked);
  Daemon::Stop stop;
  stop.status = d.process().wait(10s);
  stop.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  expect_kept_the_promise(d, stop);

  const long stored = outbox_rows(d.file("state/outbox.db"), "pick.item_picked");
  EXPECT_GE(stored, reported) << "picks reported to the station but missing from the outbox\n" << d.log();
  std::cerr << "picks reported " << reported << ", pick.item_picked events in the outbox " << stored << "\n";

  scanner.stop();  // what it still holds of the bursts must not reach the restarted daemon
  expect_the_restart_finds_the_outbox(d);
}

// The disk stalls under a commit (here: another connection holds outbox.db's write lock, so the
// outbox writer waits out SQLite's busy timeout, 5 s a transaction): the orderly stop cannot finish
// the outbox step, and the watchdog ends the process at the bound. The outbox file stays consistent
// and the restarted daemon starts from it.
TEST(DaemonShutdown, WithinFiveSecondsWhileACommitWaitsForAStalledDisk) {
  ScannerStation station;
  Daemon d("mqtt://127.0.0.1:" + std::to_string(free_tcp_port()), station.config());
  ASSERT_TRUE(wait_until([&] { return station.scanner.log_contains("CONNECTED"); }, 15s)) << d.log();
  ASSERT_TRUE(wait_until([&] { return d.serving(); }, 15s)) << d.log();
  const std::string db_path = d.file("state/outbox.db");
  sqlite3* lock = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &lock), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(lock, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(lock);

  // No order at the station: each scan is refused at once and its scan.refused event goes to the
  // outbox, where the writer now waits for the lock.
  station.scanner.send(std::vector<std::string>(200, "09506000134352"));
  const std::string refused = R"(wedge_station_scans_total{station="st1",result="refused"})";
  ASSERT_TRUE(wait_until([&] { return metric(d.http_port(), refused).value_or(0) >= 20; }, 15s)) << d.log();
  const auto stop = d.terminate();
  ASSERT_NE(stop.status, -1) << "still running 10 s after SIGTERM\n" << d.log();
  EXPECT_LT(stop.took, kPromise) << "stopped after " << stop.took.count() << " ms\n" << d.log();
  EXPECT_TRUE(WIFEXITED(stop.status)) << d.log();
  EXPECT_EQ(WEXITSTATUS(stop.status), 0) << d.log();
  EXPECT_TRUE(d.log_has("shutdown bound passed after")) << d.log();
  std::cerr << "SIGTERM to exit: " << stop.took.count() << " ms\n";

  // The lock goes; what the daemon committed before it is intact, and the restart finds it all.
  ASSERT_EQ(sqlite3_exec(lock, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(lock);
  station.scanner.stop();  // its unsent scans must not reach the restarted daemon
  expect_the_restart_finds_the_outbox(d);
}

}  // namespace
