// wedgectl against a real server: the installed binary as a child process (exit codes, output),
// and the same code in-process for the finer output checks.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <boost/json.hpp>

#include <sstream>

#include "tests/integration/http/server_fixture.hpp"
#include "tests/support/process.hpp"
#include "tools/wedgectl/ctl.hpp"

namespace wedge::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kWedgectl = WEDGE_BINARY_DIR "/tools/wedgectl/wedgectl";

struct Run {
  int code = -1;
  std::string output;  // stdout and stderr together
};

Run run_binary(const std::vector<std::string>& args) {
  TempDir dir;
  std::vector<std::string> argv{kWedgectl};
  argv.insert(argv.end(), args.begin(), args.end());
  Subprocess process(argv, dir.file("out.log"));
  const int status = process.wait(10s);
  return Run{status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1, process.log()};
}

struct InProcess {
  int code;
  std::string out;
  std::string err;
};

InProcess run_here(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = ctl::run_ctl(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(Wedgectl, EveryReadCommandPrintsHumanTextOrJson) {
  ServerFixture server;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  auto status = run_binary({"--url", url, "status"});
  EXPECT_EQ(status.code, 0) << status.output;
  EXPECT_NE(status.output.find("gateway: gw1"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("connected: yes"), std::string::npos) << status.output;

  auto devices = run_here({"--url", url, "devices"});
  EXPECT_EQ(devices.code, 0);
  EXPECT_NE(devices.out.find("ID     KIND     STATE      REASON"), std::string::npos) << devices.out;
  EXPECT_NE(devices.out.find("P1     printer  faulted    paper out"), std::string::npos) << devices.out;

  auto stations = run_here({"stations", "--url", url});
  EXPECT_EQ(stations.code, 0);
  EXPECT_NE(stations.out.find("S2"), std::string::npos);

  auto outbox = run_here({"--url", url, "--json", "outbox"});
  EXPECT_EQ(outbox.code, 0);
  EXPECT_EQ(json::parse(outbox.out).at("depth"), 3);

  auto one = run_here({"--url", url, "station", "S1"});
  EXPECT_EQ(one.code, 0);
  EXPECT_NE(one.out.find("location: A-01"), std::string::npos) << one.out;
}

TEST(Wedgectl, ScanAndPrintTestGoThroughTheProvider) {
  ServerFixture server;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  auto scan = run_binary({"--url", url, "scan", "S1", "0109501101020917"});
  EXPECT_EQ(scan.code, 0) << scan.output;
  EXPECT_NE(scan.output.find("result: accepted"), std::string::npos) << scan.output;
  auto refused = run_binary({"--url", url, "scan", "S1", "BAD"});
  EXPECT_EQ(refused.code, 1) << refused.output;
  EXPECT_NE(refused.output.find("HTTP 409: wrong item"), std::string::npos) << refused.output;
  auto print = run_binary({"--url", url, "print-test", "P1"});
  EXPECT_EQ(print.code, 0) << print.output;
  auto unknown = run_here({"--url", url, "print-test", "P7"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("no printer 'P7'"), std::string::npos) << unknown.err;
  EXPECT_EQ(run_here({"--url", url, "short", "S1", "3", "missing"}).code, 0);
  EXPECT_EQ(run_here({"--url", url, "next", "S1"}).code, 0);
  EXPECT_EQ(run_here({"--url", url, "reprint", "S1"}).code, 0);
  server.on_loop([&] {
    auto& g = server.gateway();
    ASSERT_EQ(g.scans.size(), 2u);
    EXPECT_EQ(g.scans[0].code, "0109501101020917");
    EXPECT_EQ(g.print_tests.size(), 1u);
    ASSERT_EQ(g.shorts.size(), 1u);
    EXPECT_EQ(g.shorts[0].line, "3");
    EXPECT_EQ(g.shorts[0].reason, "missing");
  });
}

TEST(Wedgectl, ScanExitsZeroOnlyWhenTheStationAcceptedTheScan) {
  ServerFixture server;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(run_binary({"--url", url, "scan", "S1", "0109501101020917"}).code, ctl::kExitOk);
  EXPECT_EQ(run_binary({"--url", url, "scan", "S1", "BAD"}).code, ctl::kExitRefused);
  auto warned = run_binary({"--url", url, "scan", "S1", "WARN"});
  EXPECT_EQ(warned.code, ctl::kExitAttention) << warned.output;
  EXPECT_NE(warned.output.find("attention: Accepted, but check the scanner's GS setting."), std::string::npos)
      << warned.output;
  auto slow = run_binary({"--url", url, "scan", "S1", "SLOW"});
  EXPECT_EQ(slow.code, ctl::kExitPending) << slow.output;
  EXPECT_NE(slow.output.find("pending: no verdict within 2000 ms"), std::string::npos) << slow.output;
  // --json prints the answer as it is, and the exit status is the same.
  auto json_slow = run_here({"--url", url, "--json", "scan", "S1", "SLOW"});
  EXPECT_EQ(json_slow.code, ctl::kExitPending);
  EXPECT_EQ(json::parse(json_slow.out).at("result").as_string(), "pending");
}

TEST(Wedgectl, ReachesAGatewayOnIpv6LoopbackWithAValidHost) {
  auto options = ServerFixture::default_options();
  options.listen = {"::1", 0};
  ServerFixture server(options);
  auto status = run_here({"--url", "http://[::1]:" + std::to_string(server.port()), "status"});
  EXPECT_EQ(status.code, 0) << status.err;
}

TEST(Wedgectl, TokenFileAuthorizesAndAWrongOneExits4) {
  auto options = ServerFixture::default_options();
  options.access_token = "ctl-token-0123456789abc";
  ServerFixture server(options);
  TempDir dir;
  write_file(dir.file("token"), "ctl-token-0123456789abc\n");
  write_file(dir.file("wrong"), "not-the-token-000000000\n");
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(run_binary({"--url", url, "status"}).code, 4);
  EXPECT_EQ(run_binary({"--url", url, "--token-file", dir.file("wrong"), "status"}).code, 4);
  auto ok = run_binary({"--url", url, "--token-file", dir.file("token"), "status"});
  EXPECT_EQ(ok.code, 0) << ok.output;
  EXPECT_EQ(run_here({"--url", url, "--token-file", dir.file("missing"), "status"}).code, 2);
}

TEST(Wedgectl, HealthExitCodeFollowsHealthz) {
  ServerFixture server;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(run_here({"--url", url, "health"}).code, 0);
  server.on_loop([&] { server.gateway().health = {false, "outbox full", {}}; });
  auto unhealthy = run_here({"--url", url, "health"});
  EXPECT_EQ(unhealthy.code, 1);
  EXPECT_NE(unhealthy.err.find("HTTP 503: outbox full"), std::string::npos) << unhealthy.err;
}

TEST(Wedgectl, UsageErrorsExit2AndAnAbsentGatewayExits3) {
  EXPECT_EQ(run_here({}).code, 2);
  EXPECT_EQ(run_here({"frobnicate"}).code, 2);
  EXPECT_EQ(run_here({"scan", "S1"}).code, 2);
  EXPECT_EQ(run_here({"--url", "https://127.0.0.1:1", "status"}).code, 2);
  EXPECT_EQ(run_here({"--timeout-ms", "zero", "status"}).code, 2);
  auto help = run_here({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("print-test PRINTER"), std::string::npos);
  const int port = free_tcp_port();
  auto absent = run_binary({"--url", "http://127.0.0.1:" + std::to_string(port), "status"});
  EXPECT_EQ(absent.code, 3) << absent.output;
  EXPECT_NE(absent.output.find("cannot connect"), std::string::npos) << absent.output;
}

}  // namespace
}  // namespace wedge::test
