// What the HTTP server shows of the gateway: builds the http::GatewayView (JSON for the API and the
// screens, Prometheus text for /metrics, and the station actions) from the daemon's parts.
//
// The station snapshot JSON is widened here with the fields the station screen reads (see
// docs/http-api.md: last_scan.result/reason/at, weight.grams/expected_min_grams/expected_max_grams,
// label.status/reason, order, devices, buffered_events), so neither the station code nor the pages
// depend on each other. Loop thread only; every function reads live state when called.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <string>

#include "daemon/config/config.hpp"
#include "daemon/devices/device_set.hpp"
#include "daemon/http/gateway_view.hpp"
#include "daemon/mqtt/link.hpp"
#include "daemon/outbox/outbox.hpp"
#include "daemon/print/print_queue.hpp"
#include "daemon/station/stations.hpp"

namespace wedge {

struct GatewayParts {
  const config::Config& config;
  outbox::Outbox& outbox;
  mqtt::Link& link;
  DeviceSet& devices;
  print::PrintQueue& print_queue;
  station::Stations& stations;
};

// How long POST /api/v1/stations/<id>/scan waits for the station's verdict on that scan before it
// answers 202 {"result":"pending"} (docs/http-api.md). A verdict normally takes one outbox commit
// (milliseconds); it takes longer only when scans queue at the station or the disk stalls.
inline constexpr std::chrono::milliseconds kScanVerdictWait{2000};

// `loop` is the loop the parts live on (the scan action's wait runs a timer there).
http::GatewayView make_gateway_view(GatewayParts parts, boost::asio::any_io_executor loop,
                                    std::chrono::milliseconds scan_verdict_wait = kScanVerdictWait);

// The HTTP answer to an injected scan's verdict: 200 accepted or attention, 409 refused, 503 when
// the outbox could not store it ("buffer full", "storage error", "shutting down").
http::ActionResult scan_verdict_result(const std::string& station, const station::LastScan& verdict);

boost::json::value status_json(const GatewayParts& parts);
boost::json::value devices_json(const GatewayParts& parts);
boost::json::value outbox_json(const GatewayParts& parts);
boost::json::value screen_json(const GatewayParts& parts, const station::StationSnapshot& snapshot);
std::string metrics_text(const GatewayParts& parts);

}  // namespace wedge
