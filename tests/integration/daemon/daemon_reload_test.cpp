// Reload without restart (issue 22, item 1), the daemon process with real peers: mosquitto, TCP
// scanner simulators, `wedgectl reload` and SIGHUP, systemd's notify socket. An order in progress
// at a station that stays keeps its step and its picks while a scanner's port changes (the driver
// really reconnects, to the other simulator), a station is added and another removed; removing the
// station that has the order is refused whole, as is an invalid file; the log level, the HTTP
// listener and the broker connection change at once.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <csignal>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/mosquitto.hpp"
#include "tests/support/notify_socket.hpp"
#include "tests/support/process.hpp"
#include "tests/support/scanner_sim.hpp"

namespace {

using namespace std::chrono_literals;
using wedge::test::free_tcp_port;
using wedge::test::http_request;
using wedge::test::Mosquitto;
using wedge::test::NotifySocket;
using wedge::test::ScannerSim;
using wedge::test::Subprocess;
using wedge::test::TempDir;
using wedge::test::wait_until;
using wedge::test::write_file;

const std::string kWedge = std::string(WEDGE_BINARY_DIR) + "/daemon/wedge";
const std::string kWedgectl = std::string(WEDGE_BINARY_DIR) + "/tools/wedgectl/wedgectl";
const std::string kScannerScript = std::string(WEDGE_SOURCE_DIR) + "/scripts/sim/scanner-sim";
constexpr const char* kItem = "09506000134352";

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// What the configuration file says; each test edits a copy and writes it again.
struct Layout {
  std::string broker_uri;
  int http_port = 0;
  std::string level = "info";
  int scan1_port = 0;                // scanner of st1 (a simulator listening there)
  bool with_st2 = true;              // st2: a pick station without devices
  bool with_st1 = true;
  bool with_st3 = false;             // st3 with a scanner scan-3 that nothing serves
  std::string extra;                 // appended as it is (e.g. broken YAML)

  std::string yaml(const std::string& state_dir) const {
    std::string text = "site: s1\ngateway: gw1\nstate_dir: " + state_dir + "\nlog:\n  level: " + level +
                       "\nbroker:\n  uri: " + broker_uri + "\n  reconnect_min_ms: 100\n  reconnect_max_ms: 300\n" +
                       "http:\n  listen: 127.0.0.1:" + std::to_string(http_port) + "\ndevices:\n";
    if (with_st1)
      text += "  - {id: scan-1, kind: scanner, driver: tcp, mode: client, host: 127.0.0.1, port: " +
              std::to_string(scan1_port) + ", reconnect_initial_ms: 100, reconnect_max_ms: 300}\n";
    if (with_st3)
      text += "  - {id: scan-3, kind: scanner, driver: tcp, mode: client, host: 127.0.0.1, port: " +
              std::to_string(free_tcp_port()) + ", reconnect_initial_ms: 100, reconnect_max_ms: 300}\n";
    if (!with_st1 && !with_st3) text += "  []\n";
    text += "stations:\n";
    if (with_st1) text += "  - {id: st1, steps: [pick], scanner: scan-1}\n";
    if (with_st2) text += "  - {id: st2, steps: [pick]}\n";
    if (with_st3) text += "  - {id: st3, steps: [pick], scanner: scan-3}\n";
    return text + extra;
  }
};

// A gateway with only st2 (no devices) on the broker at `uri`.
Layout bare_layout(const std::string& uri) {
  Layout layout;
  layout.broker_uri = uri;
  layout.http_port = free_tcp_port();
  layout.with_st1 = false;
  return layout;
}

struct Ctl {
  int exit = -1;
  std::string output;  // stdout and stderr
};

class ReloadDaemon {
 public:
  explicit ReloadDaemon(Layout layout) : layout_(std::move(layout)) {
    write();
    notify_ = std::make_unique<NotifySocket>(dir_.file("notify.sock"));
    process_ = std::make_unique<Subprocess>(std::vector<std::string>{kWedge, "--config", config()},
                                            dir_.file("wedge.log"),
                                            std::vector<std::string>{"NOTIFY_SOCKET=" + dir_.file("notify.sock")});
  }
  ~ReloadDaemon() { process_->stop(); }

  Layout& layout() { return layout_; }
  void write() { write_file(config(), layout_.yaml(dir_.file("state"))); }
  std::string config() const { return dir_.file("wedge.yaml"); }
  std::string log() const { return process_->log(); }
  bool log_has(const std::string& needle) const { return has(log(), needle); }
  NotifySocket& notify() { return *notify_; }
  Subprocess& process() { return *process_; }

  // `wedgectl ARGS… reload`, with its exit status and output.
  Ctl reload(std::vector<std::string> args = {}) {
    std::vector<std::string> argv = {kWedgectl};
    if (args.empty()) args = {"--config", config()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("reload");
    Subprocess ctl(argv, dir_.file("wedgectl-" + std::to_string(++ctl_runs_) + ".log"));
    const int status = ctl.wait(30s);
    return {status == -1 ? -1 : WEXITSTATUS(status), ctl.log()};
  }

  std::string get(const std::string& target) const {
    return http_request(layout_.http_port, "GET", target).body;
  }
  // wedge_station_picks_total of `station` from /metrics, -1 while not there.
  long picks(const std::string& station) const {
    const std::string metrics = get("/metrics");
    const std::string key = "wedge_station_picks_total{station=\"" + station + "\"} ";
    const auto at = metrics.find(key);
    return at == std::string::npos ? -1 : std::stol(metrics.substr(at + key.size()));
  }

  void pick_list(const Mosquitto& broker, const std::string& order_id, const std::string& station) {
    Subprocess pub({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1", "-t",
                    "wedge/v1/s1/gw1/cmd/pick_list", "-m",
                    R"({"schema":1,"id":"c-)" + order_id + R"(","type":"pick_list","order_id":")" + order_id +
                        R"(","station":")" + station + R"(","data":)"
                        R"({"ship_date":"2030-06-16","lines":[{"sku":"A-1","gtins":["09506000134352"],"qty":5}]}})"},
                   dir_.file("pub-" + order_id + ".log"));
    EXPECT_NE(pub.wait(10s), -1);
  }

  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  Layout layout_;
  std::unique_ptr<NotifySocket> notify_;
  std::unique_ptr<Subprocess> process_;
  int ctl_runs_ = 0;
};

// The daemon with st1 picking order O-1 (one unit of five picked through scanner A).
struct PickingSite {
  TempDir sims;
  Mosquitto broker;
  int port_a = free_tcp_port();
  int port_b = free_tcp_port();
  ScannerSim scanner_a{kScannerScript, {"--tcp-listen", std::to_string(port_a)}, sims, "scanner-a"};
  ScannerSim scanner_b{kScannerScript, {"--tcp-listen", std::to_string(port_b)}, sims, "scanner-b"};
  std::unique_ptr<ReloadDaemon> daemon;

  PickingSite() {
    broker.start();
    Layout layout;
    layout.broker_uri = broker.uri();
    layout.http_port = free_tcp_port();
    layout.scan1_port = port_a;
    daemon = std::make_unique<ReloadDaemon>(layout);
    auto& d = *daemon;
    EXPECT_TRUE(wait_until([&] { return d.log_has("mqtt connected"); }, 20s)) << d.log();
    EXPECT_TRUE(wait_until([&] { return scanner_a.log_contains("CONNECTED"); }, 20s)) << scanner_a.log();
    d.pick_list(broker, "O-1", "st1");
    EXPECT_TRUE(wait_until([&] { return d.log_has("station=st1 order=O-1 picking"); }, 20s)) << d.log();
    scanner_a.send(kItem);
    EXPECT_TRUE(wait_until([&] { return d.picks("st1") == 1; }, 20s)) << d.log();
  }
};

TEST(DaemonReload, StationsAndDevicesChangeWhileAnOrderKeepsItsStepAndItsPicks) {
  PickingSite site;
  auto& d = *site.daemon;
  // scan-1 moves to the other simulator, st2 goes, st3 comes with a scanner of its own.
  d.layout().scan1_port = site.port_b;
  d.layout().with_st2 = false;
  d.layout().with_st3 = true;
  d.write();
  const auto ctl = d.reload();
  EXPECT_EQ(ctl.exit, 0) << ctl.output << d.log();
  EXPECT_TRUE(has(ctl.output, "reloaded: devices: added scan-3; changed scan-1")) << ctl.output;
  EXPECT_TRUE(has(ctl.output, "reloaded: stations: added st3; removed st2")) << ctl.output;

  // The changed scanner really reconnects, to the new port.
  ASSERT_TRUE(wait_until([&] { return site.scanner_b.log_contains("CONNECTED"); }, 20s)) << site.scanner_b.log();
  // The order is where it was, and the next pick counts on top of the first.
  const auto st1 = d.get("/api/v1/stations/st1");
  EXPECT_TRUE(has(st1, R"("order_id":"O-1")")) << st1;
  EXPECT_TRUE(has(st1, R"("step":"pick")")) << st1;
  EXPECT_TRUE(has(st1, R"("phase":"picking")")) << st1;
  site.scanner_b.send(kItem);
  EXPECT_TRUE(wait_until([&] { return d.picks("st1") == 2; }, 20s)) << d.log();
  const auto stations = d.get("/api/v1/stations");
  EXPECT_TRUE(has(stations, R"("station":"st3")")) << stations;
  EXPECT_FALSE(has(stations, R"("station":"st2")")) << stations;
  // Its KPIs go with it: no /metrics line and no status row names st2 any more.
  EXPECT_TRUE(has(d.get("/metrics"), R"(wedge_station_picks_total{station="st3"} 0)"));
  EXPECT_FALSE(has(d.get("/metrics"), R"(station="st2")")) << d.get("/metrics");
  EXPECT_FALSE(has(d.get("/api/v1/status"), R"("station":"st2")")) << d.get("/api/v1/status");

  EXPECT_TRUE(d.log_has("reload: devices: added scan-3; changed scan-1")) << d.log();
  EXPECT_TRUE(d.log_has("reload: stations: added st3; removed st2")) << d.log();
  EXPECT_TRUE(d.notify().received("RELOADING=1")) << d.log();
  EXPECT_TRUE(d.notify().received("MONOTONIC_USEC="));
  EXPECT_TRUE(wait_until([&] { return d.notify().received("reloaded: devices: added scan-3; changed scan-1"); }, 5s));
  EXPECT_GE(d.notify().count("READY=1"), 2);
}

TEST(DaemonReload, RemovingTheStationWithAnOrderOrAnInvalidFileIsRefusedAndChangesNothing) {
  PickingSite site;
  auto& d = *site.daemon;
  // st1 goes (with its order O-1), and the log level would change with it.
  d.layout().with_st1 = false;
  d.layout().level = "debug";
  d.write();
  auto ctl = d.reload();
  EXPECT_EQ(ctl.exit, 1) << ctl.output;
  EXPECT_TRUE(has(ctl.output, "wedgectl: reload refused: station st1 is removed but has order O-1 (pick/picking)"))
      << ctl.output;
  EXPECT_TRUE(d.log_has("config reload refused (1 errors); still running on the previous configuration")) << d.log();
  EXPECT_TRUE(wait_until([&] { return d.notify().received("reload refused: station st1 is removed"); }, 5s));
  EXPECT_FALSE(d.log_has("reload: log:")) << d.log();
  // Nothing changed: st1 still has its order and its scanner, st3 never came.
  EXPECT_TRUE(has(d.get("/api/v1/stations/st1"), R"("order_id":"O-1")"));
  site.scanner_a.send(kItem);
  EXPECT_TRUE(wait_until([&] { return d.picks("st1") == 2; }, 20s)) << d.log();
  EXPECT_FALSE(d.log_has("event=pick.item_picked seq=")) << "debug logging came on with a refused reload";

  // An invalid file, by wedgectl and by SIGHUP: every error with its position, nothing applied.
  d.layout().with_st1 = true;
  d.layout().extra = "bogus_key: 1\n";
  d.write();
  ctl = d.reload();
  EXPECT_EQ(ctl.exit, 1) << ctl.output;
  EXPECT_TRUE(has(ctl.output, "wedgectl: reload refused: " + d.config() + ":")) << ctl.output;
  EXPECT_TRUE(has(ctl.output, "bogus_key: unknown key")) << ctl.output;
  d.process().signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] {
    std::size_t count = 0;
    for (auto at = d.log().find("config reload refused"); at != std::string::npos;
         at = d.log().find("config reload refused", at + 1))
      ++count;
    return count == 3;
  }, 10s)) << d.log();
  EXPECT_TRUE(d.process().running());
}

TEST(DaemonReload, LogLevelHttpListenerAndBrokerChangeAtOnce) {
  Mosquitto first;
  first.start();
  Mosquitto second;
  second.start();
  Layout layout = bare_layout(first.uri());
  ReloadDaemon d(layout);
  ASSERT_TRUE(wait_until([&] { return d.log_has("mqtt connected"); }, 20s)) << d.log();
  const int old_port = layout.http_port;

  d.layout().broker_uri = second.uri();
  d.layout().http_port = free_tcp_port();
  d.layout().level = "debug";
  d.write();
  // The file names the new address already: ask the running one.
  const auto ctl = d.reload({"--url", "http://127.0.0.1:" + std::to_string(old_port)});
  EXPECT_EQ(ctl.exit, 0) << ctl.output << d.log();
  EXPECT_TRUE(has(ctl.output, "reloaded: log: level (now debug)")) << ctl.output;
  EXPECT_TRUE(has(ctl.output, "reloaded: broker: uri (reconnecting)")) << ctl.output;
  EXPECT_TRUE(has(ctl.output, "reloaded: http: listen (listening again on 127.0.0.1:" +
                                  std::to_string(d.layout().http_port) + ")"))
      << ctl.output;

  // The new listener answers, the old one is gone.
  ASSERT_TRUE(wait_until([&] { return has(d.get("/api/v1/status"), R"("site":"s1")"); }, 10s)) << d.log();
  EXPECT_EQ(http_request(old_port, "GET", "/api/v1/status").status, 0);
  // The link is on the second broker now, and says so; debug lines (logged from then on) show.
  EXPECT_TRUE(wait_until([&] {
    const auto status = d.get("/api/v1/status");
    return has(status, "\"uri\":\"" + second.uri() + "\"") && has(status, R"("connected":true)");
  }, 20s)) << d.get("/api/v1/status") << d.log();
  EXPECT_TRUE(wait_until([&] { return d.log_has("mqtt TCP_NODELAY set on"); }, 20s)) << d.log();

  // A key that waits for the restart is said to, and its running value stays.
  d.layout().extra = "outbox:\n  max_events: 5000\n";
  d.write();
  const auto later = d.reload();
  EXPECT_EQ(later.exit, 0) << later.output;
  EXPECT_TRUE(has(later.output, "at the next restart: outbox.max_events: the outbox keeps its database open"))
      << later.output;
}

// What the broker keeps retained on `topic`, as a fresh subscriber gets it (mosquitto_sub's output;
// only "Timed out" when nothing is retained: it gives up after a second).
std::string retained(const Mosquitto& broker, const TempDir& dir, const std::string& topic) {
  static int runs = 0;
  Subprocess sub({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-t", topic,
                  "--retained-only", "-C", "1", "-W", "1"},
                 dir.file("sub-" + std::to_string(++runs) + ".log"));
  (void)sub.wait(10s);
  return sub.log();
}

TEST(DaemonReload, ARemovedDeviceLeavesNoRetainedStatusAndTheBirthListsWhatIsServed) {
  Mosquitto broker;
  broker.start();
  Layout layout = bare_layout(broker.uri());
  layout.with_st3 = true;  // scan-3 at st3
  ReloadDaemon d(layout);
  ASSERT_TRUE(wait_until([&] { return d.log_has("mqtt connected"); }, 20s)) << d.log();
  const std::string device_topic = "wedge/v1/s1/gw1/device/scan-3/status";
  ASSERT_TRUE(wait_until([&] { return has(retained(broker, d.dir(), device_topic), R"("state":)"); }, 20s));
  EXPECT_TRUE(has(retained(broker, d.dir(), "wedge/v1/s1/gw1/status"), R"("devices":["scan-3"])"));

  d.layout().with_st3 = false;
  d.write();
  const auto ctl = d.reload();
  ASSERT_EQ(ctl.exit, 0) << ctl.output << d.log();
  EXPECT_TRUE(wait_until([&] { return !has(retained(broker, d.dir(), device_topic), R"("state":)"); }, 20s))
      << retained(broker, d.dir(), device_topic);
  EXPECT_TRUE(wait_until([&] {
    const auto status = retained(broker, d.dir(), "wedge/v1/s1/gw1/status");
    return has(status, R"("devices":[])") && has(status, R"("stations":["st2"])");
  }, 20s)) << retained(broker, d.dir(), "wedge/v1/s1/gw1/status");
}

TEST(DaemonReload, WedgectlReloadExitsThreeWhenTheGatewayIsAwayAndFourWithoutTheToken) {
  TempDir dir;
  write_file(dir.file("token"), "the-right-token-0123456789\n");
  write_file(dir.file("wrong"), "not-the-token-0123456789\n");
  Layout layout = bare_layout("mqtt://127.0.0.1:" + std::to_string(free_tcp_port()));
  ReloadDaemon d(layout);
  // A token is required from here on; the running daemon has none yet, so it takes this reload.
  std::string text = d.layout().yaml(d.dir().file("state"));
  text.replace(text.find("http:\n"), 6, "http:\n  access_token_file: " + dir.file("token") + "\n");
  ASSERT_TRUE(wait_until([&] { return has(d.get("/api/v1/status"), R"("site":"s1")"); }, 20s)) << d.log();
  write_file(d.config(), text);
  auto ctl = d.reload();
  EXPECT_EQ(ctl.exit, 0) << ctl.output << d.log();
  ASSERT_TRUE(wait_until([&] { return http_request(layout.http_port, "GET", "/api/v1/status").status == 401; }, 10s))
      << d.log();

  ctl = d.reload({"--url", "http://127.0.0.1:" + std::to_string(layout.http_port), "--token-file", dir.file("wrong")});
  EXPECT_EQ(ctl.exit, 4) << ctl.output;
  ctl = d.reload();  // --config: the token named in the file
  EXPECT_EQ(ctl.exit, 0) << ctl.output;
  ctl = d.reload({"--url", "http://127.0.0.1:" + std::to_string(free_tcp_port())});
  EXPECT_EQ(ctl.exit, 3) << ctl.output;
}

}  // namespace
