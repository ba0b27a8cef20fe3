// The wedge binary as systemd runs it: READY=1 and WATCHDOG=1 on a NOTIFY_SOCKET the test listens
// on, SIGHUP reloads (and refuses an invalid file), SIGTERM exits 0 within 5 s. Also the command
// line (--check-config, --version, --help) as an operator uses it.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/wedge_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using namespace wedge::test;  // the peers and helpers of tests/support

const std::string& kWedge = wedge_binary();

WedgeOptions options(const std::string& level, std::vector<std::string> env = {}) {
  // The broker port points at nothing: READY=1 must not wait for the broker.
  WedgeOptions o("gw-1",
                              "  uri: mqtt://127.0.0.1:" + std::to_string(free_tcp_port()) +
                                  "\n  reconnect_max_ms: 1000\n",
                              "log:\n  level: " + level + "\n");
  o.site = "test-site";
  o.env = std::move(env);
  o.notify = true;
  return o;
}

TEST(DaemonLifecycle, SendsReadyThenStopsOnSigtermWithinFiveSeconds) {
  WedgeDaemon d(options("info"));
  ASSERT_TRUE(wait_until([&] { return d.notify().received("READY=1"); }, 10s)) << d.log();
  EXPECT_TRUE(d.notify().received("STATUS=test-site/gw-1: broker "));
  const auto start = std::chrono::steady_clock::now();
  d.process().signal(SIGTERM);
  const int status = d.process().wait(5s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_NE(status, -1) << "still running 5 s after SIGTERM\n" << d.log();
  EXPECT_TRUE(WIFEXITED(status)) << d.log();
  EXPECT_EQ(WEXITSTATUS(status), 0) << d.log();
  EXPECT_LT(elapsed, 5s);
  EXPECT_TRUE(d.notify().received("STOPPING=1"));
}

TEST(DaemonLifecycle, SigintStopsCleanly) {
  WedgeDaemon d(options("info"));
  ASSERT_TRUE(wait_until([&] { return d.notify().received("READY=1"); }, 10s)) << d.log();
  d.process().signal(SIGINT);
  const int status = d.process().wait(5s);
  ASSERT_NE(status, -1) << d.log();
  EXPECT_EQ(WEXITSTATUS(status), 0) << d.log();
}

TEST(DaemonLifecycle, SighupAppliesAValidConfigAndRefusesAnInvalidOne) {
  WedgeDaemon d(options("info"));
  ASSERT_TRUE(wait_until([&] { return d.notify().received("READY=1"); }, 10s)) << d.log();

  d.write_config(options("debug"));
  d.process().signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return d.log_has("reload: log: level (now debug)"); })) << d.log();
  EXPECT_TRUE(d.notify().received("RELOADING=1"));

  write_file(d.config_path(), "site: test-site\ngateway: gw-1\nbroker:\n  keepalive_s: nope\n  port: 1\n");
  d.process().signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return d.log_has("config reload refused (2 errors)"); })) << d.log();
  const auto log = d.log();
  EXPECT_NE(log.find("wedge.yaml:4:16: broker.keepalive_s: expected an integer, got 'nope'"), std::string::npos) << log;
  EXPECT_NE(log.find("wedge.yaml:5:3: broker.port: unknown key"), std::string::npos) << log;
  EXPECT_TRUE(d.process().running()) << "an invalid reload must not stop the daemon";

  d.process().signal(SIGTERM);
  const int status = d.process().wait(5s);
  ASSERT_NE(status, -1);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(DaemonLifecycle, SendsWatchdogKeepAlivesWhenAsked) {
  WedgeDaemon d(options("info", {"WATCHDOG_USEC=200000"}));
  ASSERT_TRUE(wait_until([&] { return d.notify().count("WATCHDOG=1") >= 3; }, 5s)) << d.log();
  d.process().stop();
}

TEST(DaemonLifecycle, InvalidConfigRefusesToStartWithExitCode2) {
  TempDir dir;
  write_file(dir.file("bad.yaml"), "site: x\n");
  Subprocess p({kWedge, "--config", dir.file("bad.yaml")}, dir.file("log"));
  const int status = p.wait(10s);
  ASSERT_NE(status, -1);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(p.log().find("bad.yaml:1:1: gateway: missing required key 'gateway'"), std::string::npos) << p.log();
}

int run_cli(const std::vector<std::string>& args, std::string& output) {
  TempDir dir;
  std::vector<std::string> argv = {kWedge};
  argv.insert(argv.end(), args.begin(), args.end());
  Subprocess p(argv, dir.file("out"));
  const int status = p.wait(10s);
  output = p.log();
  return status == -1 ? -1 : WEXITSTATUS(status);
}

TEST(Cli, CheckConfigAcceptsTheShippedConfigs) {
  std::string out;
  EXPECT_EQ(run_cli({"--check-config", std::string(WEDGE_SOURCE_DIR) + "/config/wedge.example.yaml"}, out), 0) << out;
  EXPECT_EQ(run_cli({"--check-config", std::string(WEDGE_SOURCE_DIR) + "/config/demo.yaml"}, out), 0) << out;
}

TEST(Cli, CheckConfigPrintsEveryErrorWithPositionAndExits2) {
  TempDir dir;
  write_file(dir.file("bad.yaml"),
             "site: dc1\ngateway: gw1\nbroker:\n  uri: mqtt://h:70000\n  keepalive_s: -1\nbogus: 1\n");
  std::string out;
  EXPECT_EQ(run_cli({"--check-config", dir.file("bad.yaml")}, out), 2);
  const std::string f = dir.file("bad.yaml");
  EXPECT_EQ(out, f + ":4:8: broker.uri: port '70000' out of range 1..65535\n" + f +
                     ":5:16: broker.keepalive_s: value -1 out of range 5..3600\n" + f +
                     ":6:1: bogus: unknown key\n");
}

TEST(Cli, VersionHelpAndBadOptions) {
  std::string out;
  EXPECT_EQ(run_cli({"--version"}, out), 0);
  EXPECT_EQ(out.rfind("wedge ", 0), 0u) << out;
  EXPECT_EQ(run_cli({"--help"}, out), 0);
  EXPECT_NE(out.find("--check-config [FILE]"), std::string::npos);
  EXPECT_NE(out.find("$CONFIGURATION_DIRECTORY/wedge.yaml"), std::string::npos);
  EXPECT_EQ(run_cli({"--check-config", "a.yaml", "b.yaml"}, out), 2);
  EXPECT_NE(out.find("--check-config takes one FILE at most"), std::string::npos) << out;
  EXPECT_EQ(run_cli({"--frobnicate"}, out), 2);
  EXPECT_NE(out.find("unknown option '--frobnicate'"), std::string::npos);
  EXPECT_EQ(run_cli({}, out), 2);
}

TEST(Docs, ConfigurationReferenceMatchesTheCode) {
  std::string out;
  ASSERT_EQ(run_cli({"--config-reference"}, out), 0);
  EXPECT_EQ(read_file(std::string(WEDGE_SOURCE_DIR) + "/docs/configuration.md"), out)
      << "docs/configuration.md is stale: run `build/daemon/wedge --config-reference > docs/configuration.md`";
}

}  // namespace
