// GatewayView: what the HTTP server may see of, and ask from, the rest of the daemon.
//
// The HTTP side never includes station, outbox, MQTT or device code: the app fills these function
// members with lambdas over its own objects (daemon/views/gateway_view.cpp, called from
// daemon/app.cpp), and tests fill them with fakes. Every member is optional: an unset query
// answers 501 {"error":"not available"}, an unset health check counts as healthy, unset metrics
// add nothing.
//
// Contract for the app
// - Every function is called on the loop thread only, from a request handler, and must not block.
// - The JSON documents are served as they are (docs/http-api.md lists the fields the pages read);
//   a station snapshot should carry its "id".
// - Actions get a Reply to call exactly once, on the loop thread, either before returning or later
//   (e.g. when the printer answered). A reply that does not come within the server's action timeout
//   is answered 504 for the client; the late reply is then ignored. A Reply may be dropped without
//   being called only when the server is stopping.
// - ActionResult::status is the HTTP status sent: 200 done, 202 accepted and running, 404 unknown
//   station/printer, 409 refused by the workflow (a refused scan: {"result":"refused","reason":…}),
//   422 invalid for this station, 503 outbox full or device away. The body is sent as it is.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace wedge::http {

struct ActionResult {
  unsigned status = 200;
  boost::json::value body;
};

using Reply = std::function<void(ActionResult)>;

// One named check of /healthz ("storage", "loop", "broker", "outbox"; docs/http-api.md).
struct HealthCheck {
  std::string name;
  bool ok = true;
  std::string reason;               // why not; empty when ok
  std::int64_t since_unix_ms = 0;   // when the failure began, when known; 0 otherwise
};

struct HealthReport {
  bool healthy = true;
  std::string reason;  // why not, for the engineer on call ("outbox full"); empty when healthy
  std::vector<HealthCheck> checks;  // every check, failing or not; served as "checks" when set
};

// [{"name","ok","reason"[,"since_unix_ms"]}, …]: the "checks" of the /healthz body.
boost::json::value health_checks_json(const std::vector<HealthCheck>& checks);

// A scan injected over HTTP, checked by the station exactly like one from its scanner.
struct ScanRequest {
  std::string station;
  std::string code;    // the decoded barcode data, as a scanner would deliver it (GS as \u001d)
  std::string source;  // "http" — for logs and events
};

// A short pick declared from the station screen or the API.
struct ShortRequest {
  std::string station;
  std::string line;    // the order line as the station snapshot names it (next_line.line)
  std::string reason;  // "missing" or "damaged"
  int qty = 0;         // units short; 0 = every unit still open on that line
};

struct GatewayView {
  // GET /api/v1/status: the gateway at a glance (also pushed as topic "status").
  std::function<boost::json::value()> status;
  // GET /api/v1/devices: an array of {"id","kind","driver","state","reason",…}.
  std::function<boost::json::value()> devices;
  // GET /api/v1/stations: an array of station snapshots.
  std::function<boost::json::value()> stations;
  // GET /api/v1/stations/<id>: one snapshot, or nullopt for an unknown station (404).
  std::function<std::optional<boost::json::value>(const std::string& id)> station;
  // GET /api/v1/kpis/trend[?station=<id>]: the last 8 hours of each KPI with its SVG chart, for
  // the site ("") or one station; nullopt for an unknown station (404).
  std::function<std::optional<boost::json::value>(const std::string& station)> kpi_trend;
  // GET /api/v1/outbox: {"depth","bytes","oldest_age_s","full",…}.
  std::function<boost::json::value()> outbox;
  // GET /metrics: Prometheus text exposition (version 0.0.4), every line ending in '\n'.
  std::function<std::string()> metrics;
  // GET /healthz: 503 with the reason when not healthy (outbox full, storage failed, …).
  std::function<HealthReport()> health;

  // POST actions; see the Reply contract above. `scan` answers with the station's verdict on that
  // very scan — 200 {"result":"accepted"|"attention",…}, 409 {"result":"refused",…}, 503 when its
  // event could not be stored — or 202 {"result":"pending",…} when none came within its wait.
  std::function<void(const ScanRequest&, Reply)> scan;
  std::function<void(const ShortRequest&, Reply)> declare_short;
  std::function<void(const std::string& station, Reply)> next_order;
  std::function<void(const std::string& station, Reply)> reprint_label;
  std::function<void(const std::string& station, Reply)> new_parcel;
  std::function<void(const std::string& printer, Reply)> print_test;
  // POST /api/v1/reload: reads the configuration again and applies it (200 with what changed) or
  // refuses it whole (409 with every reason); docs/http-api.md, "Reload".
  std::function<void(Reply)> reload;
};

}  // namespace wedge::http
