// A real HttpServer on 127.0.0.1 (free port) with a fake GatewayView, its loop on a thread of its
// own: the same one-thread model as the daemon. The fake's state is only touched on that loop
// (on_loop() runs a function there and waits for it). Test thread only.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/http/http_server.hpp"

namespace wedge::test {

namespace json = boost::json;

// Answers like a small gateway with stations S1 and S2 and a printer P1.
struct FakeGateway {
  json::value status = json::parse(R"({"site":"lab","gateway":"gw1","broker":{"connected":true},
      "outbox":{"depth":0,"oldest_age_s":0,"full":false},
      "kpis":[{"name":"refused_rate","label":"Refused scans","value":0.02,"target":0.05,
               "unit":"ratio","missed":false}]})");
  json::value devices = json::parse(
      R"([{"id":"scan1","kind":"scanner","state":"connected","reason":""},
          {"id":"P1","kind":"printer","state":"faulted","reason":"paper out"}])");
  json::value stations = json::parse(
      R"([{"id":"S1","step":"pick","order":{"id":"O-1"},"next_line":{"line":1,"location":"A-01",
           "sku":"SKU-1","qty_left":2}},{"id":"S2","step":"idle"}])");
  json::value outbox = json::parse(R"({"depth":3,"oldest_age_s":12,"full":false})");
  std::string metrics = "# HELP wedge_outbox_depth Events waiting.\n# TYPE wedge_outbox_depth gauge\n"
                        "wedge_outbox_depth 3\n";
  http::HealthReport health;

  std::vector<http::ScanRequest> scans;
  std::vector<http::ShortRequest> shorts;
  std::vector<std::string> nexts, reprints, print_tests;
  bool hold_replies = false;          // keep action replies instead of answering
  std::vector<http::Reply> held;
  std::function<void(const std::string& station, const json::value& result)> on_scan_result;

  http::GatewayView view();
};

class ServerFixture {
 public:
  explicit ServerFixture(http::Options options = default_options());
  ~ServerFixture();

  static http::Options default_options();

  int port() const { return port_; }
  FakeGateway& gateway() { return gateway_; }
  // Loop thread only (e.g. from a FakeGateway callback).
  http::HttpServer& server() { return *server_; }

  // Runs `fn` on the server's loop and waits for it.
  void on_loop(const std::function<void()>& fn);
  void publish(const std::string& topic, const json::value& data);
  http::ServerCounters counters();
  std::size_t event_clients();

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  FakeGateway gateway_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace wedge::test
