// RequestRouter: one parsed HTTP request in, one outcome out — the whole API without any socket.
//
// It first refuses a Host the gateway is not known by (host_check.hpp: DNS rebinding), then applies
// the access rules (bearer token; ?token= for the pages and /events; /healthz and /static/* open),
// checks the target, method, content type, origin and JSON body, answers the read
// endpoints from the GatewayView, forwards actions to it, serves the embedded pages, and turns a
// valid GET /events into a subscription the session then streams. Every failure is a JSON error
// response ({"error": "…"}), never an exception: a provider that throws gets a 500 and a log line.
//
// Threading: loop thread only (it calls the GatewayView). `done` is called exactly once, either
// before handle() returns or later from an action's Reply, always on the loop thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/http/gateway_view.hpp"
#include "daemon/http/http_options.hpp"
#include "daemon/http/prometheus.hpp"

namespace wedge::http {

struct Request {
  std::string method;  // as sent: "GET", "POST", …
  std::string target;  // origin-form: "/api/v1/stations/S1?x=y"
  std::string authorization;
  std::string content_type;
  std::string origin;
  std::string host;  // the Host header's value; empty when there is none
  std::string body;
  unsigned version = 11;        // 10 for HTTP/1.0, 11 for HTTP/1.1
  bool host_repeated = false;   // more than one Host header (always refused)
  std::string local_address{};  // the address the client connected to ("127.0.0.1", "::1")
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra: Allow, WWW-Authenticate, …
};

struct Outcome {
  Response response;
  // Set for an accepted GET /events: the topics the client subscribed to. The session then sends
  // the stream instead of `response`.
  std::optional<std::vector<std::string>> stream_topics;
};

// {"error": message} with the given status.
Response json_error(unsigned status, const std::string& message);

// True for [A-Za-z0-9_.-]{1,64}: the ids of stations, devices and printers in config.
bool valid_id(std::string_view id);

// "status", "devices", "outbox", "station/*" or "station/<id>".
bool valid_topic(std::string_view topic);

class RequestRouter {
 public:
  using Done = std::function<void(Outcome)>;
  // Appends the server's own metrics (connections, requests, streams) to a scrape.
  using ServerMetrics = std::function<void(PrometheusText&)>;

  // `view` and `options` must outlive the router.
  RequestRouter(const GatewayView& view, const Options& options, ServerMetrics server_metrics);

  void handle(const Request& request, Done done) const;

 private:
  struct Target;
  bool authorized(const Request& request, const Target& target, bool allow_query_token) const;
  void route(const Request& request, const Target& target, Done& done) const;
  void route_api(const Request& request, const Target& target, Done& done) const;
  void route_action(const Request& request, const Target& target, Done& done) const;
  Outcome metrics() const;
  Outcome healthz() const;

  const GatewayView& view_;
  const Options& options_;
  ServerMetrics server_metrics_;
};

}  // namespace wedge::http
