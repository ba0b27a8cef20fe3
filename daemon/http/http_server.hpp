// HttpServer: the daemon's HTTP endpoint — API under /api/v1, /metrics, /healthz, the overview and
// station pages, and the /events server-sent event stream (docs/http-api.md).
//
// Usage (daemon/app.cpp):
//   http::HttpServer server(io.get_executor(), *http::make_options(listen, token_file).options, view);
//   if (auto started = server.start(); !started.ok) throw std::runtime_error(started.error);
//   station.on_change([&](const auto& id, json::value snapshot) {
//     server.publish("station/" + id, snapshot); });
//   … at shutdown: server.stop();   (before the objects the GatewayView points at are destroyed)
//
// Contract
// - Runs entirely on the loop executor given: accepting, parsing, the GatewayView calls and the
//   event fan-out all happen on that one thread, so nothing here takes a lock.
// - Bounded everywhere (Options): connections, header and body size, read/write/action timeouts,
//   event streams and each stream's queue. Excess is refused or dropped, never queued without end.
// - publish() costs one JSON serialization plus one queue push per subscribed client; it never
//   waits for a client. Call it whenever a station snapshot, the status, the devices or the outbox
//   figures change (topics "station/<id>", "status", "devices", "outbox").
// - stop() closes the listener and every connection; afterwards no GatewayView function is called.
//   The destructor calls stop().
//
// Threading: construct, call and destroy on the loop thread (debug builds assert it in publish*).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/core/loop_guard.hpp"
#include "daemon/http/gateway_view.hpp"
#include "daemon/http/http_options.hpp"
#include "daemon/http/server_state.hpp"

namespace wedge::http {

class HttpServer {
 public:
  HttpServer(boost::asio::any_io_executor loop, Options options, GatewayView view);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Failure (address in use, no permission) is a value: unavailable,
  // "cannot listen on 127.0.0.1:8080: Address already in use".
  core::Status start();
  void stop();

  void publish(std::string_view topic, const boost::json::value& data);
  // As publish(), but builds the data only when a stream wants the topic (EventHub::publish_with).
  void publish_with(std::string_view topic, const std::function<boost::json::value()>& build);
  // Publishes only when `data` differs from what was last published on `topic` through this call:
  // lets the app feed status/outbox from a timer without waking every screen each tick.
  void publish_if_changed(const std::string& topic, const boost::json::value& data);

  // The bound port (useful with port 0); 0 before start().
  unsigned short port() const { return port_; }
  const ServerCounters& counters() const { return state_->counters; }
  std::size_t event_clients() { return state_->hub.clients(); }

 private:
  void accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);

  core::LoopGuard loop_guard_;  // publish*() assert they run on the loop
  boost::asio::any_io_executor loop_;
  std::shared_ptr<ServerState> state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  unsigned short port_ = 0;
  std::map<std::string, std::string> last_published_;  // topic → serialized data
};

}  // namespace wedge::http
