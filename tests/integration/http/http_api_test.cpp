// The HTTP API over real TCP on 127.0.0.1: every endpoint, the access-token rules, and what happens
// to bad, oversized, slow and excess requests.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/integration/http/server_fixture.hpp"
#include "tests/support/process.hpp"

namespace wedge::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kToken = "s3cret-token-0123456789";
const std::string kAuth = std::string("Authorization: Bearer ") + kToken + "\r\n";
const std::string kJson = "Content-Type: application/json\r\n";

json::value body_of(const HttpReply& reply) { return json::parse(reply.body); }

http::Options with_token() {
  auto options = ServerFixture::default_options();
  options.access_token = kToken;
  return options;
}

TEST(HttpApi, HealthzIsOkThenUnhealthyWithTheProvidersReason) {
  ServerFixture server;
  auto reply = http_request(server.port(), "GET", "/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(body_of(reply).at("status"), "ok");
  EXPECT_EQ(reply.headers["content-type"], "application/json");
  server.on_loop([&] { server.gateway().health = {false, "outbox full", {}}; });
  reply = http_request(server.port(), "GET", "/healthz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(body_of(reply).at("status"), "unhealthy");
  EXPECT_EQ(body_of(reply).at("reason"), "outbox full");
}

TEST(HttpApi, HealthzListsEveryCheckWithItsReasonBesideTheOldFields) {
  ServerFixture server;
  server.on_loop([&] {
    server.gateway().health = {true, "", {{"storage", true, "", 0}, {"broker", true, "", 0}}};
  });
  auto reply = http_request(server.port(), "GET", "/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"status":"ok","checks":[{"name":"storage","ok":true,"reason":""},)"
                        R"({"name":"broker","ok":true,"reason":""}]})" "\n");
  server.on_loop([&] {
    server.gateway().health = {false, "storage: outbox.db cannot commit: database or disk is full",
                               {{"storage", false, "outbox.db cannot commit: database or disk is full", 1796539201000},
                                {"broker", true, "", 0}}};
  });
  reply = http_request(server.port(), "GET", "/healthz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.body,
            R"({"status":"unhealthy","reason":"storage: outbox.db cannot commit: database or disk is full",)"
            R"("checks":[{"name":"storage","ok":false,"reason":"outbox.db cannot commit: database or disk is full",)"
            R"("since_unix_ms":1796539201000},{"name":"broker","ok":true,"reason":""}]})" "\n");
}

TEST(HttpApi, ReadEndpointsServeTheProvidersJson) {
  ServerFixture server;
  auto status = http_request(server.port(), "GET", "/api/v1/status");
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(body_of(status).at("gateway"), "gw1");
  auto devices = http_request(server.port(), "GET", "/api/v1/devices");
  ASSERT_EQ(devices.status, 200);
  EXPECT_EQ(body_of(devices).as_array().size(), 2u);
  auto stations = http_request(server.port(), "GET", "/api/v1/stations/");
  ASSERT_EQ(stations.status, 200);
  EXPECT_EQ(body_of(stations).as_array().size(), 2u);
  auto s1 = http_request(server.port(), "GET", "/api/v1/stations/S1");
  ASSERT_EQ(s1.status, 200);
  EXPECT_EQ(body_of(s1).at("next_line").at("location"), "A-01");
  auto outbox = http_request(server.port(), "GET", "/api/v1/outbox");
  ASSERT_EQ(outbox.status, 200);
  EXPECT_EQ(body_of(outbox).at("depth"), 3);
  EXPECT_EQ(http_request(server.port(), "GET", "/api/v1/stations/NOPE").status, 404);
  EXPECT_EQ(http_request(server.port(), "GET", "/api/v1/stations/bad%20id").status, 400);
  EXPECT_EQ(http_request(server.port(), "GET", "/api/v1/nothing").status, 404);
}

TEST(HttpApi, KpiTrendAnswersForTheSiteOrAKnownStation) {
  ServerFixture server;
  auto site = http_request(server.port(), "GET", "/api/v1/kpis/trend");
  ASSERT_EQ(site.status, 200);
  EXPECT_EQ(body_of(site).at("station"), "");
  auto s1 = http_request(server.port(), "GET", "/api/v1/kpis/trend?station=S1");
  ASSERT_EQ(s1.status, 200);
  EXPECT_EQ(body_of(s1).at("station"), "S1");
  EXPECT_EQ(http_request(server.port(), "GET", "/api/v1/kpis/trend?station=NOPE").status, 404);
  EXPECT_EQ(http_request(server.port(), "GET", "/api/v1/kpis/trend?station=bad%20id").status, 400);
  auto post = http_request(server.port(), "POST", "/api/v1/kpis/trend", kJson, "{}");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["allow"], "GET");
}

TEST(HttpApi, MetricsAppendTheServersOwnCountersToTheProviders) {
  ServerFixture server;
  ASSERT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
  auto reply = http_request(server.port(), "GET", "/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(reply.body.find("wedge_outbox_depth 3\n"), std::string::npos);
  EXPECT_NE(reply.body.find("# TYPE wedge_http_responses_total counter\n"), std::string::npos);
  EXPECT_NE(reply.body.find("wedge_http_responses_total{code=\"200\"} 1\n"), std::string::npos);
  EXPECT_NE(reply.body.find("wedge_http_connections_open 1\n"), std::string::npos);
}

TEST(HttpApi, ActionsReachTheProviderAndReturnItsResult) {
  ServerFixture server;
  auto scan = http_request(server.port(), "POST", "/api/v1/stations/S1/scan", kJson,
                           R"({"code":"0109501101020917"})");
  ASSERT_EQ(scan.status, 200);
  EXPECT_EQ(body_of(scan).at("result"), "accepted");
  auto refused = http_request(server.port(), "POST", "/api/v1/stations/S1/scan", kJson, R"({"code":"BAD"})");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(body_of(refused).at("reason"), "wrong item");
  auto short_pick = http_request(server.port(), "POST", "/api/v1/stations/S1/short", kJson,
                                 R"({"line":2,"reason":"damaged","qty":1})");
  EXPECT_EQ(short_pick.status, 200);
  EXPECT_EQ(http_request(server.port(), "POST", "/api/v1/stations/S1/next").status, 200);
  EXPECT_EQ(http_request(server.port(), "POST", "/api/v1/stations/S1/reprint").status, 202);
  auto test_label = http_request(server.port(), "POST", "/api/v1/printers/P1/test");
  EXPECT_EQ(test_label.status, 200);
  EXPECT_EQ(body_of(test_label).at("result"), "printed");
  EXPECT_EQ(http_request(server.port(), "POST", "/api/v1/printers/P9/test").status, 404);
  EXPECT_EQ(http_request(server.port(), "POST", "/api/v1/stations/S9/next").status, 404);

  server.on_loop([&] {
    auto& g = server.gateway();
    ASSERT_EQ(g.scans.size(), 2u);
    EXPECT_EQ(g.scans[0].station, "S1");
    EXPECT_EQ(g.scans[0].code, "0109501101020917");
    EXPECT_EQ(g.scans[0].source, "http");
    ASSERT_EQ(g.shorts.size(), 1u);
    EXPECT_EQ(g.shorts[0].line, "2");
    EXPECT_EQ(g.shorts[0].reason, "damaged");
    EXPECT_EQ(g.shorts[0].qty, 1);
    EXPECT_EQ(g.nexts, std::vector<std::string>{"S1"});
    EXPECT_EQ(g.reprints, std::vector<std::string>{"S1"});
    EXPECT_EQ(g.print_tests, std::vector<std::string>{"P1"});
  });
}

TEST(HttpApi, ActionBodiesAreValidatedBeforeTheProviderSeesThem) {
  ServerFixture server;
  struct Case {
    const char* target;
    const char* body;
    int status;
  };
  const std::vector<Case> cases = {
      {"/api/v1/stations/S1/scan", "{}", 400},
      {"/api/v1/stations/S1/scan", R"({"code":42})", 400},
      {"/api/v1/stations/S1/scan", R"({"code":""})", 400},
      {"/api/v1/stations/S1/scan", "not json", 400},
      {"/api/v1/stations/S1/scan", "[1,2]", 400},
      {"/api/v1/stations/S1/short", R"({"line":1,"reason":"lost"})", 400},
      {"/api/v1/stations/S1/short", R"({"line":0,"reason":"missing"})", 400},
      {"/api/v1/stations/S1/short", R"({"reason":"missing"})", 400},
      {"/api/v1/stations/S1/short", R"({"line":"L1","reason":"missing","qty":-1})", 400},
      {"/api/v1/stations/bad$id/next", "", 400},
      {"/api/v1/stations/S1/explode", "", 404},
  };
  for (const auto& c : cases) {
    auto reply = http_request(server.port(), "POST", c.target, kJson, c.body);
    EXPECT_EQ(reply.status, c.status) << c.target << " " << c.body;
    EXPECT_TRUE(body_of(reply).as_object().contains("error")) << c.target << " " << c.body;
  }
  const std::string long_code(1025, '9');
  EXPECT_EQ(http_request(server.port(), "POST", "/api/v1/stations/S1/scan", kJson,
                         R"({"code":")" + long_code + R"("})").status, 400);
  server.on_loop([&] { EXPECT_TRUE(server.gateway().scans.empty()); });
}

TEST(HttpApi, WrongMethodsGet405WithAllow) {
  ServerFixture server;
  auto reply = http_request(server.port(), "POST", "/api/v1/status", kJson, "{}");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers["allow"], "GET");
  reply = http_request(server.port(), "GET", "/api/v1/stations/S1/scan");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers["allow"], "POST");
  EXPECT_EQ(http_request(server.port(), "DELETE", "/healthz").status, 405);
}

TEST(HttpApi, CrossSiteBrowserRequestsAreRefused) {
  ServerFixture server;
  // A page elsewhere posting a form to the loopback API (CSRF).
  auto forged = http_request(server.port(), "POST", "/api/v1/stations/S1/scan",
                             "Origin: http://evil.example\r\n" + kJson, R"({"code":"X"})");
  EXPECT_EQ(forged.status, 403);
  auto form = http_request(server.port(), "POST", "/api/v1/stations/S1/scan",
                           "Content-Type: text/plain\r\n", R"({"code":"X"})");
  EXPECT_EQ(form.status, 415);
  const std::string same_origin = "Origin: http://127.0.0.1:" + std::to_string(server.port()) + "\r\n";
  auto ok = http_request(server.port(), "POST", "/api/v1/stations/S1/next", same_origin + kJson, "{}");
  EXPECT_EQ(ok.status, 200);
  server.on_loop([&] { EXPECT_TRUE(server.gateway().scans.empty()); });
}

TEST(HttpApi, WithATokenEverythingButHealthzAndStaticNeedsIt) {
  ServerFixture server(with_token());
  for (const char* target : {"/api/v1/status", "/api/v1/devices", "/api/v1/stations", "/api/v1/outbox",
                             "/metrics", "/", "/stations/S1", "/events"}) {
    auto reply = http_request(server.port(), "GET", target);
    EXPECT_EQ(reply.status, 401) << target;
    EXPECT_EQ(reply.headers["www-authenticate"], "Bearer realm=\"wedge\"") << target;
    EXPECT_EQ(http_request(server.port(), "GET", target, "Authorization: Bearer wrong-token-000000\r\n")
                  .status, 401) << target;
  }
  EXPECT_EQ(http_request(server.port(), "POST", "/api/v1/stations/S1/scan", kJson, R"({"code":"1"})")
                .status, 401);
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(http_request(server.port(), "GET", "/static/wedge.css").status, 200);

  for (const char* target : {"/api/v1/status", "/metrics", "/", "/stations/S1"})
    EXPECT_EQ(http_request(server.port(), "GET", target, kAuth).status, 200) << target;
  EXPECT_EQ(http_request(server.port(), "POST", "/api/v1/stations/S1/scan", kAuth + kJson,
                         R"({"code":"1"})").status, 200);
  // The query token is for what a browser opens by URL (pages, the event stream), not the API.
  const std::string query = std::string("?token=") + kToken;
  EXPECT_EQ(http_request(server.port(), "GET", "/stations/S1" + query).status, 200);
  EXPECT_EQ(http_request(server.port(), "GET", "/" + query).status, 200);
  EXPECT_EQ(http_request(server.port(), "GET", "/api/v1/status" + query).status, 401);
  EXPECT_EQ(http_request(server.port(), "GET", "/metrics" + query).status, 401);
}

TEST(HttpApi, PagesAreServedFromTheBinaryWithoutExternalResources) {
  ServerFixture server;
  auto overview = http_request(server.port(), "GET", "/");
  ASSERT_EQ(overview.status, 200);
  EXPECT_EQ(overview.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(overview.headers["referrer-policy"], "no-referrer");
  EXPECT_NE(overview.body.find("overview.js"), std::string::npos);
  auto station = http_request(server.port(), "GET", "/stations/S1");
  ASSERT_EQ(station.status, 200);
  EXPECT_NE(station.body.find("station.js"), std::string::npos);
  for (const char* asset : {"/static/wedge.css", "/static/common.js", "/static/overview.js",
                            "/static/station.js"}) {
    auto reply = http_request(server.port(), "GET", asset);
    ASSERT_EQ(reply.status, 200) << asset;
    EXPECT_GT(reply.body.size(), 200u) << asset;
  }
  for (const auto* page : {&overview, &station}) {
    EXPECT_EQ(page->body.find("http://"), std::string::npos);
    EXPECT_EQ(page->body.find("https://"), std::string::npos);
  }
  EXPECT_EQ(http_request(server.port(), "GET", "/static/nothing.js").status, 404);
  EXPECT_EQ(http_request(server.port(), "GET", "/static/..%2Fhttp_server.cpp").status, 404);
  EXPECT_EQ(http_request(server.port(), "GET", "/stations/a%2Fb").status, 400);
  EXPECT_EQ(http_request(server.port(), "GET", "/stations/S9").status, 404);
}

TEST(HttpApi, MalformedRequestsGet400AndTheServerKeepsServing) {
  ServerFixture server;
  for (const std::string& garbage : {std::string("HELLO\r\n\r\n"), std::string("GET\r\n\r\n"),
                                    std::string("GET / FTP/1.1\r\n\r\n"),
                                    std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
                                    std::string("\x01\x02\x03\r\n\r\n", 7)}) {
    RawConnection connection(server.port());
    ASSERT_TRUE(connection.send(garbage));
    auto reply = connection.read_response();
    EXPECT_EQ(reply.status, 400) << garbage;
    EXPECT_TRUE(json::parse(reply.body).as_object().contains("error"));
    EXPECT_TRUE(connection.closed_by_peer());
  }
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
}

TEST(HttpApi, OversizedHeadersAndBodiesAreRefused) {
  ServerFixture server;
  auto big_header = http_request(server.port(), "GET", "/healthz",
                                 "X-Fill: " + std::string(10000, 'a') + "\r\n");
  EXPECT_EQ(big_header.status, 431);
  auto big_body = http_request(server.port(), "POST", "/api/v1/stations/S1/scan", kJson,
                               std::string(20000, ' '));
  EXPECT_EQ(big_body.status, 413);
  // A huge declared length is refused from the header alone, before any body is sent.
  RawConnection connection(server.port());
  ASSERT_TRUE(connection.send("POST /api/v1/stations/S1/scan HTTP/1.1\r\nHost: 127.0.0.1\r\n" + kJson +
                              "Content-Length: 1000000000\r\n\r\n"));
  EXPECT_EQ(connection.read_response().status, 413);
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
}

TEST(HttpApi, KeepAliveServesSeveralRequestsOnOneConnection) {
  ServerFixture server;
  RawConnection connection(server.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection.send("GET /api/v1/outbox HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    auto reply = connection.read_response();
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(json::parse(reply.body).at("depth"), 3);
  }
}

TEST(HttpApi, SlowAndIdleClientsAreCutOffByTheReadTimeout) {
  auto options = ServerFixture::default_options();
  options.read_timeout = 300ms;
  ServerFixture server(options);
  RawConnection idle(server.port());
  RawConnection partial(server.port());
  ASSERT_TRUE(partial.send("GET /healthz HTTP/1.1\r\nHo"));
  EXPECT_TRUE(idle.closed_by_peer(3s));
  EXPECT_TRUE(partial.closed_by_peer(3s));
  // The count lands when the aborted read completes, just after the close the client saw.
  EXPECT_TRUE(wait_until([&] { return server.counters().timeouts >= 2; }));
}

TEST(HttpApi, AProviderThatNeverRepliesGets504) {
  auto options = ServerFixture::default_options();
  options.action_timeout = 200ms;
  ServerFixture server(options);
  server.on_loop([&] { server.gateway().hold_replies = true; });
  auto reply = http_request(server.port(), "POST", "/api/v1/printers/P1/test");
  EXPECT_EQ(reply.status, 504);
  // The late reply is ignored, not written into some other exchange.
  server.on_loop([&] {
    for (auto& held : server.gateway().held) held({200, json::object{{"late", true}}});
  });
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
}

TEST(HttpApi, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  auto options = ServerFixture::default_options();
  options.max_connections = 3;
  ServerFixture server(options);
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<RawConnection>(server.port()));
    ASSERT_TRUE(open.back()->send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    ASSERT_EQ(open.back()->read_response().status, 200);
  }
  RawConnection extra(server.port());
  EXPECT_TRUE(extra.closed_by_peer(3s));
  EXPECT_EQ(server.counters().connections_rejected, 1u);
  open.clear();
  ASSERT_TRUE(wait_until([&] { return server.counters().open_connections == 0; }));
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
}

TEST(HttpApi, StartFailsAsAValueWhenThePortIsTaken) {
  ServerFixture first;
  boost::asio::io_context io;
  auto options = ServerFixture::default_options();
  options.listen.port = static_cast<unsigned short>(first.port());
  http::HttpServer second(io.get_executor(), options, {});
  auto started = second.start();
  EXPECT_FALSE(started);
  EXPECT_NE(started.reason().find("127.0.0.1:" + std::to_string(first.port())), std::string::npos);
}

}  // namespace
}  // namespace wedge::test
