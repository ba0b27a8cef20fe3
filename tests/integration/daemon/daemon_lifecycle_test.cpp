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

#include "tests/support/notify_socket.hpp"
#include "tests/support/process.hpp"

namespace {

using namespace std::chrono_literals;
using wedge::test::NotifySocket;
using wedge::test::Subprocess;
using wedge::test::TempDir;
using wedge::test::wait_until;
using wedge::test::write_file;

const std::string kWedge = std::string(WEDGE_BINARY_DIR) + "/daemon/wedge";

std::string config_text(const std::string& state_dir, const std::string& level) {
  // The broker port points at nothing: READY=1 must not wait for the broker.
  return "site: test-site\ngateway: gw-1\nstate_dir: " + state_dir +
         "\nlog:\n  level: " + level + "\nbroker:\n  uri: mqtt://127.0.0.1:" +
         std::to_string(wedge::test::free_tcp_port()) + "\n  reconnect_max_ms: 1000\nhttp:\n  listen: 127.0.0.1:" +
         std::to_string(wedge::test::free_tcp_port()) + "\n";
}

struct RunningDaemon {
  TempDir dir;
  std::unique_ptr<NotifySocket> notify;
  std::unique_ptr<Subprocess> process;
  std::string config_path;

  explicit RunningDaemon(std::vector<std::string> extra_env = {}) {
    config_path = dir.file("wedge.yaml");
    write_file(config_path, config_text(dir.file("state"), "info"));
    notify = std::make_unique<NotifySocket>(dir.file("notify.sock"));
    std::vector<std::string> env = {"NOTIFY_SOCKET=" + dir.file("notify.sock")};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    process = std::make_unique<Subprocess>(std::vector<std::string>{kWedge, "--config", config_path},
                                           dir.file("wedge.log"), env);
  }
};

TEST(DaemonLifecycle, SendsReadyThenStopsOnSigtermWithinFiveSeconds) {
  RunningDaemon d;
  ASSERT_TRUE(wait_until([&] { return d.notify->received("READY=1"); }, 10s)) << d.process->log();
  EXPECT_TRUE(d.notify->received("STATUS=test-site/gw-1: broker "));
  const auto start = std::chrono::steady_clock::now();
  d.process->signal(SIGTERM);
  const int status = d.process->wait(5s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_NE(status, -1) << "still running 5 s after SIGTERM\n" << d.process->log();
  EXPECT_TRUE(WIFEXITED(status)) << d.process->log();
  EXPECT_EQ(WEXITSTATUS(status), 0) << d.process->log();
  EXPECT_LT(elapsed, 5s);
  EXPECT_TRUE(d.notify->received("STOPPING=1"));
}

TEST(DaemonLifecycle, SigintStopsCleanly) {
  RunningDaemon d;
  ASSERT_TRUE(wait_until([&] { return d.notify->received("READY=1"); }, 10s)) << d.process->log();
  d.process->signal(SIGINT);
  const int status = d.process->wait(5s);
  ASSERT_NE(status, -1) << d.process->log();
  EXPECT_EQ(WEXITSTATUS(status), 0) << d.process->log();
}

TEST(DaemonLifecycle, SighupAppliesAValidConfigAndRefusesAnInvalidOne) {
  RunningDaemon d;
  ASSERT_TRUE(wait_until([&] { return d.notify->received("READY=1"); }, 10s)) << d.process->log();

  write_file(d.config_path, config_text(d.dir.file("state"), "debug"));
  d.process->signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return d.process->log().find("reload: log: level (now debug)") != std::string::npos; }))
      << d.process->log();
  EXPECT_TRUE(d.notify->received("RELOADING=1"));

  write_file(d.config_path, "site: test-site\ngateway: gw-1\nbroker:\n  keepalive_s: nope\n  port: 1\n");
  d.process->signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return d.process->log().find("config reload refused (2 errors)") != std::string::npos; }))
      << d.process->log();
  const auto log = d.process->log();
  EXPECT_NE(log.find("wedge.yaml:4:16: broker.keepalive_s: expected an integer, got 'nope'"), std::string::npos) << log;
  EXPECT_NE(log.find("wedge.yaml:5:3: broker.port: unknown key"), std::string::npos) << log;
  EXPECT_TRUE(d.process->running()) << "an invalid reload must not stop the daemon";

  d.process->signal(SIGTERM);
  const int status = d.process->wait(5s);
  ASSERT_NE(status, -1);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(DaemonLifecycle, SendsWatchdogKeepAlivesWhenAsked) {
  RunningDaemon d({"WATCHDOG_USEC=200000"});
  ASSERT_TRUE(wait_until([&] { return d.notify->count("WATCHDOG=1") >= 3; }, 5s)) << d.process->log();
  d.process->stop();
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
  EXPECT_EQ(wedge::test::read_file(std::string(WEDGE_SOURCE_DIR) + "/docs/configuration.md"), out)
      << "docs/configuration.md is stale: run `build/daemon/wedge --config-reference > docs/configuration.md`";
}

}  // namespace
