#include "daemon/http/http_server.hpp"

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "daemon/http/http_session.hpp"

namespace wedge::http {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {
// After a failed accept (EMFILE: out of descriptors) wait a little rather than spin on the loop.
constexpr auto kAcceptRetry = 100ms;
}  // namespace

void ServerState::write_metrics(PrometheusText& text) {
  const auto& c = counters;
  text.declare("wedge_http_connections_open", "gauge", "HTTP connections open, event streams included.");
  text.sample("wedge_http_connections_open",
              static_cast<std::int64_t>(c.open_connections + c.open_streams));
  text.declare("wedge_http_connections_accepted_total", "counter", "HTTP connections accepted.");
  text.sample("wedge_http_connections_accepted_total",
              static_cast<std::int64_t>(c.connections_accepted));
  text.declare("wedge_http_connections_rejected_total", "counter",
               "HTTP connections closed at once because max_connections were open.");
  text.sample("wedge_http_connections_rejected_total",
              static_cast<std::int64_t>(c.connections_rejected));
  text.declare("wedge_http_responses_total", "counter", "HTTP responses sent, by status code.");
  for (const auto& [status, count] : c.responses_by_status)
    text.sample("wedge_http_responses_total", static_cast<std::int64_t>(count),
                {{"code", std::to_string(status)}});
  text.declare("wedge_http_timeouts_total", "counter",
               "Requests, writes or gateway actions that ran out of time.");
  text.sample("wedge_http_timeouts_total", static_cast<std::int64_t>(c.timeouts));
  text.declare("wedge_http_event_clients", "gauge", "Open /events streams.");
  text.sample("wedge_http_event_clients", static_cast<std::int64_t>(c.open_streams));
  text.declare("wedge_http_event_clients_dropped_total", "counter",
               "Event stream clients dropped for falling behind.");
  text.sample("wedge_http_event_clients_dropped_total", static_cast<std::int64_t>(hub.dropped()));
  text.declare("wedge_http_event_clients_rejected_total", "counter",
               "Event streams refused because max_event_clients were open.");
  text.sample("wedge_http_event_clients_rejected_total",
              static_cast<std::int64_t>(c.streams_rejected));
  text.declare("wedge_http_events_published_total", "counter", "Updates published to /events.");
  text.sample("wedge_http_events_published_total", static_cast<std::int64_t>(hub.published()));
}

HttpServer::HttpServer(asio::any_io_executor loop, Options options, GatewayView view)
    : loop_(loop),
      state_(std::make_shared<ServerState>(std::move(view), std::move(options))),
      acceptor_(loop),
      retry_timer_(loop) {}

HttpServer::~HttpServer() { stop(); }

core::Status HttpServer::start() {
  const auto& listen = state_->options.listen;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(listen.host, ec);
  auto fail = [&](const char* what) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return core::fail(core::Errc::unavailable,
                      fmt::format("cannot {} {}:{}: {}", what, listen.host, listen.port, ec.message()));
  };
  if (ec) return fail("parse");
  const asio::ip::tcp::endpoint endpoint(address, listen.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open a socket for");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("configure");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("listen on");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  port_ = acceptor_.local_endpoint(ec).port();
  spdlog::info("http: listening on {}:{}{}", listen.host, port_,
               state_->options.access_token.empty() ? "" : " (access token required)");
  accept();
  return {};
}

void HttpServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
  // Closing runs each session's cleanup, which edits `closers`: iterate over a copy.
  auto closers = state_->closers;
  for (auto& [id, close] : closers) close();
  state_->hub.close_all();
}

void HttpServer::publish(std::string_view topic, const boost::json::value& data) {
  WEDGE_ASSERT_ON_LOOP(loop_guard_);
  if (state_->stopped) return;
  state_->hub.publish(topic, data);
}

void HttpServer::publish_with(std::string_view topic, const std::function<boost::json::value()>& build) {
  WEDGE_ASSERT_ON_LOOP(loop_guard_);
  if (state_->stopped) return;
  state_->hub.publish_with(topic, build);
}

void HttpServer::publish_if_changed(const std::string& topic, const boost::json::value& data) {
  WEDGE_ASSERT_ON_LOOP(loop_guard_);
  if (state_->stopped) return;
  std::string serialized = boost::json::serialize(data);
  auto& last = last_published_[topic];
  if (last == serialized) return;
  last = std::move(serialized);
  state_->hub.publish(topic, data);
}

void HttpServer::accept() {
  acceptor_.async_accept(loop_, [this, state = state_](const boost::system::error_code& ec,
                                                        asio::ip::tcp::socket socket) {
    // `state` tells a handler that outlived the server (run after its destruction) to stop here.
    if (state->stopped) return;
    on_accept(ec, std::move(socket));
  });
}

void HttpServer::on_accept(const boost::system::error_code& ec, asio::ip::tcp::socket socket) {
  if (ec == asio::error::operation_aborted) return;
  if (ec) {
    spdlog::warn("http: accept failed: {}; retrying", ec.message());
    retry_timer_.expires_after(kAcceptRetry);
    retry_timer_.async_wait([this, state = state_](const boost::system::error_code& wait_ec) {
      if (!wait_ec && !state->stopped) accept();
    });
    return;
  }
  auto& c = state_->counters;
  if (c.open_connections + c.open_streams >= state_->options.max_connections) {
    ++c.connections_rejected;
    boost::system::error_code ignored;
    socket.close(ignored);
  } else {
    ++c.connections_accepted;
    // A station screen gets one small SSE frame per scan. With Nagle's algorithm on, a frame written
    // while the previous one still waits for the browser's delayed ACK (40 ms on Linux) is held back
    // until that ACK: scripts/bench stations measured p50 11 ms / p99 53 ms scan-to-screen with it,
    // p50 2.2 ms / p99 17 ms without the ACK wait.
    boost::system::error_code nodelay_ec;
    socket.set_option(asio::ip::tcp::no_delay(true), nodelay_ec);
    std::make_shared<HttpSession>(std::move(socket), state_)->start();
  }
  accept();
}

}  // namespace wedge::http
