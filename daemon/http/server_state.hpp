// ServerState: what the listener, its sessions and its event streams share.
//
// Sessions and streams hold it by shared_ptr, so a connection that finishes after the HttpServer
// was destroyed still finds valid counters; `stopped` tells them not to call the GatewayView any
// more (its lambdas may point at objects already gone). Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "daemon/http/event_hub.hpp"
#include "daemon/http/gateway_view.hpp"
#include "daemon/http/http_options.hpp"
#include "daemon/http/request_router.hpp"

namespace wedge::http {

struct ServerCounters {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_rejected = 0;  // over max_connections
  std::uint64_t timeouts = 0;              // requests or writes that ran out of time
  std::uint64_t streams_rejected = 0;      // over max_event_clients
  std::map<unsigned, std::uint64_t> responses_by_status;
  std::size_t open_connections = 0;
  std::size_t open_streams = 0;
};

struct ServerState {
  ServerState(GatewayView gateway_view, Options server_options)
      : view(std::move(gateway_view)),
        options(std::move(server_options)),
        hub(view),
        router(view, options, [this](PrometheusText& text) { write_metrics(text); }) {}
  ServerState(const ServerState&) = delete;
  ServerState& operator=(const ServerState&) = delete;

  // The server's own figures for GET /metrics (defined in http_server.cpp).
  void write_metrics(PrometheusText& text);

  GatewayView view;
  Options options;
  ServerCounters counters;
  EventHub hub;
  RequestRouter router;
  bool stopped = false;
  // Open sessions by serial number, so stop() can close them (streams are in the hub).
  std::map<std::uint64_t, std::function<void()>> closers;
  std::uint64_t next_session = 1;
};

}  // namespace wedge::http
