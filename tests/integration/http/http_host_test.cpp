// DNS rebinding over real TCP on 127.0.0.1: the server answers only Host values the gateway is
// known by (loopback, its listen address, the address connected to, http.allowed_hosts), before
// any handler runs, and the actions' Origin check uses the same names (docs/http-api.md, "Access").
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/integration/http/server_fixture.hpp"

namespace wedge::test {
namespace {

namespace json = boost::json;

// One request written byte for byte: `head` is the request line and headers without the blank line.
HttpReply raw_request(int port, const std::string& head, const std::string& body = "") {
  RawConnection connection(port);
  if (!connection.connected()) return {};
  std::string request = head + "Connection: close\r\n";
  if (!body.empty()) request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (!connection.send(request + "\r\n" + body)) return {};
  return connection.read_response();
}

HttpReply get_with_host(int port, const std::string& target, const std::string& host) {
  return raw_request(port, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
}

std::size_t scans_seen(ServerFixture& server) {
  std::size_t count = 0;
  server.on_loop([&] { count = server.gateway().scans.size(); });
  return count;
}

TEST(HttpHost, TheRebindingAttackGetsNoScanToTheStation) {
  ServerFixture server;
  const std::string authority = "evil.example:" + std::to_string(server.port());
  // The attacker's page, its name now resolving to 127.0.0.1: same origin as far as the browser knows.
  auto attack = raw_request(server.port(),
                            "POST /api/v1/stations/S1/scan HTTP/1.1\r\nHost: " + authority +
                                "\r\nOrigin: http://" + authority + "\r\n",
                            R"({"code":"0109501101020917"})");
  EXPECT_EQ(attack.status, 421);
  const auto body = json::parse(attack.body).as_object();
  EXPECT_EQ(body.at("host").as_string(), authority);
  EXPECT_NE(std::string(body.at("error").as_string()).find("http.allowed_hosts"), std::string::npos) << attack.body;
  EXPECT_EQ(scans_seen(server), 0u);
}

TEST(HttpHost, AForeignHostIsRefusedOnEveryPathBeforeAnyHandler) {
  ServerFixture server;
  for (const char* target : {"/api/v1/status", "/api/v1/stations/S1", "/healthz", "/metrics", "/",
                             "/stations/S1", "/static/wedge.css", "/events", "/no/such/path"}) {
    auto reply = get_with_host(server.port(), target, "evil.example:" + std::to_string(server.port()));
    EXPECT_EQ(reply.status, 421) << target;
    EXPECT_EQ(reply.body.find("\"site\""), std::string::npos) << target;
  }
  EXPECT_EQ(get_with_host(server.port(), "/api/v1/status", "evil.example").status, 421);
  // Names that only look like ours.
  for (const char* host : {"localhost.evil.example", "127.0.0.1.evil.example", "evil-localhost"})
    EXPECT_EQ(get_with_host(server.port(), "/api/v1/status", host).status, 421) << host;
  EXPECT_EQ(server.event_clients(), 0u);
}

TEST(HttpHost, LoopbackNamesAndAddressesAreAccepted) {
  ServerFixture server;
  const std::string port = std::to_string(server.port());
  for (const auto& host : std::vector<std::string>{
           "localhost", "localhost:" + port, "LocalHost:" + port, "localhost.:" + port, "127.0.0.1",
           "127.0.0.1:" + port, "127.42.0.7:" + port, "[::1]", "[::1]:" + port, "[::ffff:127.0.0.1]:" + port,
           "localhost:"}) {
    auto reply = get_with_host(server.port(), "/api/v1/status", host);
    EXPECT_EQ(reply.status, 200) << host << ": " << reply.body;
  }
}

TEST(HttpHost, MissingRepeatedAndMalformedHostsAre400) {
  ServerFixture server;
  EXPECT_EQ(raw_request(server.port(), "GET /api/v1/status HTTP/1.1\r\n").status, 400);
  EXPECT_EQ(raw_request(server.port(), "GET /api/v1/status HTTP/1.1\r\nHost: \r\n").status, 400);
  EXPECT_EQ(raw_request(server.port(), "GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n")
                .status, 400);
  for (const char* host : {"[::1", "127.0.0.1:99999", "127.0.0.1:80x", "a b", "user@127.0.0.1", "::1", "a..b"})
    EXPECT_EQ(get_with_host(server.port(), "/api/v1/status", host).status, 400) << host;
  // HTTP/1.0 has no Host; no browser sends such a request.
  EXPECT_EQ(raw_request(server.port(), "GET /api/v1/status HTTP/1.0\r\n").status, 200);
  EXPECT_EQ(raw_request(server.port(), "GET /api/v1/status HTTP/1.0\r\nHost: evil.example\r\n").status, 421);
}

TEST(HttpHost, ConfiguredNamesAndAddressesAreAccepted) {
  auto options = ServerFixture::default_options();
  options.allowed_hosts = {"station-pc-7.lan", "10.1.2.3", "fd00::7"};
  ServerFixture server(options);
  const std::string port = std::to_string(server.port());
  for (const auto& host : std::vector<std::string>{"station-pc-7.lan", "station-pc-7.lan:" + port,
                                                   "STATION-PC-7.LAN:8080", "10.1.2.3:" + port,
                                                   "[fd00::7]:" + port, "localhost:" + port})
    EXPECT_EQ(get_with_host(server.port(), "/api/v1/status", host).status, 200) << host;
  for (const char* host : {"station-pc-8.lan", "10.1.2.4", "pc-7.lan"})
    EXPECT_EQ(get_with_host(server.port(), "/api/v1/status", host).status, 421) << host;

  // The picker's browser on the configured name drives the station; another origin cannot.
  const std::string named = "station-pc-7.lan:" + port;
  auto from_page = raw_request(server.port(),
                               "POST /api/v1/stations/S1/scan HTTP/1.1\r\nHost: " + named +
                                   "\r\nOrigin: http://" + named + "\r\n",
                               R"({"code":"X1"})");
  EXPECT_EQ(from_page.status, 200) << from_page.body;
  EXPECT_EQ(scans_seen(server), 1u);
  for (const auto& origin : std::vector<std::string>{"http://evil.example:" + port, "http://localhost:1" + port,
                                                     "null", "ftp://station-pc-7.lan:" + port})
    EXPECT_EQ(raw_request(server.port(),
                          "POST /api/v1/stations/S1/scan HTTP/1.1\r\nHost: " + named + "\r\nOrigin: " + origin + "\r\n",
                          R"({"code":"X2"})")
                  .status,
              403)
        << origin;
  EXPECT_EQ(scans_seen(server), 1u);
}

TEST(HttpHost, TheHostIsCheckedWithATokenToo) {
  auto options = ServerFixture::default_options();
  options.access_token = "s3cret-token-0123456789";
  ServerFixture server(options);
  auto reply = raw_request(server.port(),
                           "GET /api/v1/status HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer " +
                               options.access_token + "\r\n");
  EXPECT_EQ(reply.status, 421);
}

}  // namespace
}  // namespace wedge::test
