// POST /api/v1/stations/<id>/scan keeps its documented contract (docs/http-api.md, "Actions"): the
// daemon's own GatewayView over real Stations (StationEnv: the Modbus scale and light simulators,
// the ZPL printer simulator, a real outbox) behind the real HttpServer, called over TCP and by the
// wedgectl binary. The answer is the station's verdict on that very scan, and wedgectl's exit status
// says the same; the docs state both.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <boost/json.hpp>

#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/views/gateway_view.hpp"
#include "daemon/http/http_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/integration/station/station_env.hpp"
#include "tests/support/process.hpp"
#include "tools/wedgectl/ctl.hpp"

namespace wedge::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kWedgectl = WEDGE_BINARY_DIR "/tools/wedgectl/wedgectl";
// order_body(): line A-1 (2 units) and line B-7 (1 unit).
const std::string kItemA = "9506000134352";
const std::string kItemB = "4006381333931";
const std::string kNotOnTheOrder = "5901234123457";

http::Options loopback() {
  http::Options options;
  options.listen = {"127.0.0.1", 0};
  return options;
}

// The stations of StationEnv behind the daemon's HTTP server, order O-1 at st1. The test thread
// runs the loop (env.run_until) while a client thread or a wedgectl process talks to the server.
struct Gateway {
  explicit Gateway(EnvOptions options = {})
      : env(std::move(options)),
        parts{env.config(), env.outbox(), env.link(), env.devices(), env.print_queue(), env.stations()},
        server(env.io().get_executor(), loopback(), make_gateway_view(parts, env.io().get_executor())) {
    const auto started = server.start();
    EXPECT_TRUE(started) << started.reason();
    env.pick_list("O-1");
    EXPECT_TRUE(env.run_until([&] { return env.snap().order_id == "O-1"; }));
  }

  HttpReply post_scan(const std::string& station, const std::string& code) {
    auto reply = std::async(std::launch::async, [port = server.port(), station, code] {
      return http_request(port, "POST", "/api/v1/stations/" + station + "/scan",
                          "Content-Type: application/json\r\n", json::serialize(json::object{{"code", code}}));
    });
    EXPECT_TRUE(env.run_until([&] { return reply.wait_for(0s) == std::future_status::ready; }));
    return reply.get();
  }

  struct Run {
    int code = -1;
    std::string output;
  };
  Run wedgectl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{kWedgectl, "--url", "http://127.0.0.1:" + std::to_string(server.port())};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess process(argv, env.dir().file("wedgectl.log"));
    EXPECT_TRUE(env.run_until([&] { return !process.running(); }));
    const int status = process.wait(1s);
    return Run{status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1, process.log()};
  }

  StationEnv env;
  GatewayParts parts;
  http::HttpServer server;
};

// A string field of the answer, "" when absent.
std::string text(const json::object& body, std::string_view key) {
  const auto* value = body.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

// The answer's status, result and verdict code as expected; its body (empty on a mismatch).
json::object expect_verdict(const HttpReply& reply, int status, std::string_view result, std::string_view code) {
  EXPECT_EQ(reply.status, status) << reply.body;
  if (reply.status != status) return {};
  auto body = json::parse(reply.body).as_object();
  EXPECT_EQ(text(body, "result"), result) << reply.body;
  EXPECT_EQ(text(body, "code"), code) << reply.body;
  EXPECT_EQ(text(body, "station"), "st1") << reply.body;
  return body;
}

TEST(ScanVerdict, AnAcceptedScanIs200AndWedgectlExits0) {
  Gateway gw;
  auto body = expect_verdict(gw.post_scan("st1", kItemA), 200, "accepted", "accepted");
  EXPECT_EQ(text(body, "barcode"), kItemA);
  EXPECT_EQ(gw.env.events_of("O-1", "pick.item_picked").size(), 1u);

  auto run = gw.wedgectl({"scan", "st1", kItemB});
  EXPECT_EQ(run.code, ctl::kExitOk) << run.output;
  EXPECT_NE(run.output.find("result: accepted"), std::string::npos) << run.output;
  EXPECT_EQ(gw.env.events_of("O-1", "pick.item_picked").size(), 2u);
}

TEST(ScanVerdict, ARefusedScanIs409WithItsReasonAndWedgectlExitsNonZero) {
  Gateway gw;
  auto body = expect_verdict(gw.post_scan("st1", kNotOnTheOrder), 409, "refused", "wrong_item");
  const std::string reason = text(body, "reason");
  EXPECT_EQ(reason, gw.env.snap().last_scan.message);
  EXPECT_FALSE(reason.empty());
  EXPECT_EQ(text(body, "error"), reason);

  auto run = gw.wedgectl({"scan", "st1", kNotOnTheOrder});
  EXPECT_EQ(run.code, ctl::kExitRefused) << run.output;
  EXPECT_NE(run.output.find("HTTP 409: " + reason), std::string::npos) << run.output;
  // Over-picking line B-7 is refused too: a scan the station checks, not one merely received.
  expect_verdict(gw.post_scan("st1", kItemB), 200, "accepted", "accepted");
  auto again = gw.wedgectl({"scan", "st1", kItemB});
  EXPECT_NE(again.code, ctl::kExitOk) << again.output;

  EXPECT_EQ(gw.post_scan("nope", kItemA).status, 404);
  EXPECT_EQ(gw.wedgectl({"scan", "nope", kItemA}).code, ctl::kExitRefused);
}

TEST(ScanVerdict, EachInjectedScanGetsItsOwnVerdictWhateverTheScreenShowsLast) {
  EnvOptions options;
  options.max_pending_scans = 1;
  StationEnv env(options);
  ASSERT_TRUE(env.orders_arrive({"O-1"}));
  std::vector<station::LastScan> first, third;
  // In one turn of the loop: the first is accepted once its event is stored; the second, a
  // scanner's, waits behind it and will be refused; the third finds the queue full.
  ASSERT_TRUE(env.stations().inject_scan("st1", kItemA, "", [&](const auto& v) { first.push_back(v); }));
  ASSERT_TRUE(env.stations().inject_scan("st1", kNotOnTheOrder));
  ASSERT_TRUE(env.stations().inject_scan("st1", kItemB, "", [&](const auto& v) { third.push_back(v); }));
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].code, "busy");
  EXPECT_EQ(third[0].barcode, kItemB);
  EXPECT_TRUE(first.empty());
  ASSERT_TRUE(env.run_until([&] { return env.snap().last_scan.code == "wrong_item"; }));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].verdict, "accepted");
  EXPECT_EQ(first[0].barcode, kItemA);
  EXPECT_EQ(third.size(), 1u);
}

TEST(ScanVerdict, NoVerdictWithinTheWaitIs202Pending) {
  StationEnv env;
  GatewayParts parts{env.config(), env.outbox(), env.link(), env.devices(), env.print_queue(), env.stations()};
  const auto view = make_gateway_view(parts, env.io().get_executor(), 50ms);
  ASSERT_TRUE(env.orders_arrive({"O-1"}));
  std::optional<http::ActionResult> result;
  view.scan({"st1", kItemA, "http"}, [&](http::ActionResult r) { result = std::move(r); });
  // The scan waits for its event's commit; stopped stations never finish it.
  env.stations().stop();
  ASSERT_TRUE(env.run_until([&] { return result.has_value(); }));
  EXPECT_EQ(result->status, 202u);
  EXPECT_EQ(text(result->body.as_object(), "result"), "pending");
}

TEST(ScanVerdict, TheDocsStateTheContractTheCodeKeeps) {
  const std::string doc = read_file(WEDGE_SOURCE_DIR "/docs/http-api.md");
  for (const auto& promise : std::vector<std::string>{
           R"(`200 {"result":"accepted",)", R"(`200 {"result":"attention",)", R"(`409 {"result":"refused",)",
        R"(`202 {"result":"pending",)", R"(`503 {"result":"refused",)", "`404`",
        "| " + std::to_string(ctl::kExitOk) + " |", "| " + std::to_string(ctl::kExitRefused) + " |",
        "| " + std::to_string(ctl::kExitAttention) + " |", "| " + std::to_string(ctl::kExitPending) + " |",
        "2 s"})
    EXPECT_NE(doc.find(promise), std::string::npos) << promise;
  EXPECT_EQ(doc.find("accepted_for_checking"), std::string::npos);
  EXPECT_EQ(kScanVerdictWait, 2000ms);
}

}  // namespace
}  // namespace wedge::test
