#include "daemon/views/gateway_view.hpp"

#include <chrono>
#include <memory>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "daemon/http/prometheus.hpp"
#include "daemon/print/test_label.hpp"
#include "daemon/views/kpi_metrics.hpp"
#include "daemon/views/kpi_trend.hpp"
#include "daemon/version.hpp"

namespace wedge {

namespace json = boost::json;

namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json::object device_json(const DeviceSet::Entry& entry) {
  const auto& health = entry.device->health();
  json::array warnings;
  for (const auto& warning : health.warnings) warnings.emplace_back(warning);
  return json::object{{"id", entry.id},
                      {"kind", entry.kind},
                      {"driver", entry.driver},
                      {"state", drivers::to_string(health.state)},
                      {"reason", health.reason},
                      {"warnings", std::move(warnings)}};
}

}  // namespace

json::value outbox_json(const GatewayParts& p) {
  const auto s = p.outbox.stats();
  const double oldest_age_s =
      s.depth > 0 && s.oldest_unix_ms > 0 ? static_cast<double>(now_unix_ms() - s.oldest_unix_ms) / 1000.0 : 0.0;
  // "full": the outbox takes no new event, for either reason (docs/http-api.md).
  return json::object{{"depth", s.depth},
                      {"bytes", s.bytes},
                      {"oldest_age_s", oldest_age_s},
                      {"last_seq", s.last_seq},
                      {"full", s.full || s.storage_failed},
                      {"buffer_full", s.full},
                      {"storage_failed", s.storage_failed},
                      {"storage_error", s.storage_failed ? json::value(s.storage_reason) : json::value(nullptr)},
                      {"storage_failed_since_unix_ms", s.storage_failed_since_unix_ms},
                      {"telemetry_dropped", s.telemetry_dropped},
                      {"business_refused", s.business_refused}};
}

json::value devices_json(const GatewayParts& p) {
  json::array out;
  for (const auto& entry : p.devices.all()) out.push_back(device_json(entry));
  return out;
}

json::value status_json(const GatewayParts& p) {
  const auto link = p.link.stats();
  json::array stations;
  for (const auto& snapshot : p.stations.snapshots()) {
    stations.push_back(json::object{{"id", snapshot.station},
                                    {"order_id", snapshot.order_id},
                                    {"step", snapshot.step},
                                    {"status", snapshot.status},
                                    {"queued_orders", snapshot.queued_orders}});
  }
  return json::object{
      {"site", p.config.site},
      {"gateway", p.config.gateway},
      {"version", kVersion},
      {"broker",
       json::object{{"connected", link.connected},
                    {"state", link.connected ? "connected" : "disconnected"},
                    {"session", link.session},
                    {"commands_subscribed", link.commands_subscribed},
                    {"uri", link.broker_uri},
                    {"node_index", link.broker_index},
                    {"commands_uri", link.commands_broker_uri},
                    {"commands_node_index", link.commands_broker_index}}},
      {"outbox", outbox_json(p)},
      {"devices", devices_json(p)},
      {"stations", std::move(stations)},
      {"kpis", kpi_rows(p.stations, kpi_targets(p.config), now_unix_ms())}};
}

json::value screen_json(const GatewayParts& p, const station::StationSnapshot& s) {
  json::object o = station::station_snapshot_json(s);
  o["id"] = s.station;  // the API's and the pages' name for it (docs/http-api.md)
  if (s.next_line && o["next_line"].is_object())
    o["next_line"].as_object()["line"] = station::line_number(s.next_line->line);
  // The fields the station screen reads, derived from the snapshot (edited in place: this runs for
  // every scan, and copying the sub-objects out and back cost as much as building them).
  auto object_at = [&o](std::string_view key) -> json::object& {
    auto& v = o[key];
    if (!v.is_object()) v = json::object{};
    return v.as_object();
  };
  {  // each reference is used up before the next key is added (which may move o's values)
    auto& scan = object_at("last_scan");
    scan["result"] = s.last_scan.verdict.empty() ? json::value(nullptr) : json::value(s.last_scan.verdict);
    scan["reason"] = s.last_scan.message;
    scan["at"] = s.last_scan.at_unix_ms;
    scan["code"] = s.last_scan.barcode;
  }
  {
    auto& weight = object_at("weight");
    if (s.weight.live_grams) weight["grams"] = *s.weight.live_grams;
    if (s.weight.expected_grams && s.weight.allowed_deviation_grams) {
      weight["expected_min_grams"] = *s.weight.expected_grams - *s.weight.allowed_deviation_grams;
      weight["expected_max_grams"] = *s.weight.expected_grams + *s.weight.allowed_deviation_grams;
    }
  }
  {
    auto& label = object_at("label");
    label["status"] = s.label_state;
    label["reason"] = s.label_error;
  }

  if (!s.order_id.empty())
    o["order"] = json::object{{"id", s.order_id}, {"step", s.step}, {"lines_done", s.lines_done},
                              {"lines_total", s.lines_total}};
  else
    o["order"] = nullptr;

  json::array devices;
  if (const auto* cfg = p.config.find_station(s.station)) {
    for (const auto* id : {&cfg->scanner, &cfg->scale, &cfg->printer, &cfg->light}) {
      if (id->empty()) continue;
      for (const auto& entry : p.devices.all())
        if (entry.id == *id) devices.push_back(device_json(entry));
    }
  }
  o["devices"] = std::move(devices);
  o["buffered_events"] = p.outbox.stats().depth;
  o["broker_connected"] = p.link.stats().connected;
  return o;
}

std::string metrics_text(const GatewayParts& p) {
  http::PrometheusText t;
  const auto out = p.outbox.stats();
  const auto link = p.link.stats();
  t.declare("wedge_build_info", "gauge", "Version, site and gateway of this daemon.");
  t.sample("wedge_build_info", std::int64_t{1},
           {{"version", kVersion}, {"site", p.config.site}, {"gateway", p.config.gateway}});
  t.declare("wedge_broker_connected", "gauge", "1 while the MQTT link is connected.");
  t.sample("wedge_broker_connected", std::int64_t{link.connected ? 1 : 0});
  t.declare("wedge_command_channel_subscribed", "gauge",
            "1 while the command channel holds its subscription to the command topics.");
  t.sample("wedge_command_channel_subscribed", std::int64_t{link.commands_subscribed ? 1 : 0});
  t.declare("wedge_broker_node_index", "gauge",
            "Index in broker.uris (0 = first) of the node each connection uses, or tries next while down.");
  t.sample("wedge_broker_node_index", std::int64_t{link.broker_index}, {{"connection", "events"}, {"uri", link.broker_uri}});
  t.sample("wedge_broker_node_index", std::int64_t{link.commands_broker_index},
           {{"connection", "commands"}, {"uri", link.commands_broker_uri}});
  t.declare("wedge_outbox_depth", "gauge", "Events stored and not yet acknowledged by the broker.");
  t.sample("wedge_outbox_depth", out.depth);
  t.declare("wedge_outbox_bytes", "gauge", "Payload bytes stored in the outbox.");
  t.sample("wedge_outbox_bytes", out.bytes);
  t.declare("wedge_outbox_oldest_age_seconds", "gauge", "Age of the oldest unacknowledged event.");
  t.sample("wedge_outbox_oldest_age_seconds", outbox_json(p).as_object().at("oldest_age_s").as_double());
  t.declare("wedge_outbox_full", "gauge",
            "1 while the outbox takes no new event: its limits are reached or it cannot commit "
            "(stations refuse new work).");
  t.sample("wedge_outbox_full", std::int64_t{out.full || out.storage_failed ? 1 : 0});
  t.declare("wedge_outbox_storage_failed", "gauge", "1 while the outbox cannot commit (disk full, I/O error).");
  t.sample("wedge_outbox_storage_failed", std::int64_t{out.storage_failed ? 1 : 0});
  t.declare("wedge_outbox_telemetry_dropped_total", "counter", "Telemetry events dropped while full.");
  t.sample("wedge_outbox_telemetry_dropped_total", out.telemetry_dropped);
  t.declare("wedge_outbox_business_refused_total", "counter", "Business events refused while full.");
  t.sample("wedge_outbox_business_refused_total", out.business_refused);
  t.declare("wedge_outbox_commit_seconds", "histogram",
            "How long each outbox transaction took to commit, fsync included: the disk's share of every accepted scan.");
  t.histogram("wedge_outbox_commit_seconds", p.outbox.commit_seconds().cumulative(),
              p.outbox.commit_seconds().sum_seconds(), p.outbox.commit_seconds().count());
  t.declare("wedge_mqtt_published_total", "counter", "Publishes handed to the MQTT client, resends included.");
  t.sample("wedge_mqtt_published_total", link.published);
  t.declare("wedge_mqtt_acked_total", "counter", "Outbox events acknowledged by the broker (PUBACK).");
  t.sample("wedge_mqtt_acked_total", link.acked);
  t.declare("wedge_mqtt_publish_latency_seconds", "histogram",
            "Event creation (envelope ts) to broker PUBACK; replayed events count their time in the outbox.");
  t.histogram("wedge_mqtt_publish_latency_seconds", link.publish_latency.cumulative(),
              link.publish_latency.sum_seconds(), link.publish_latency.count());
  t.declare("wedge_device_up", "gauge", "1 while the device is connected.");
  for (const auto& entry : p.devices.all())
    t.sample("wedge_device_up",
             std::int64_t{entry.device->health().state == drivers::HealthState::connected ? 1 : 0},
             {{"device", entry.id}, {"kind", entry.kind}});
  t.declare("wedge_device_warnings", "gauge",
            "Warnings the device reports now (e.g. a printer's paper near end).");
  for (const auto& entry : p.devices.all())
    t.sample("wedge_device_warnings", static_cast<std::int64_t>(entry.device->health().warnings.size()),
             {{"device", entry.id}, {"kind", entry.kind}});
  t.declare("wedge_device_state", "gauge", "1 for the device's current state.");
  for (const auto& entry : p.devices.all())
    for (auto state : {drivers::HealthState::connected, drivers::HealthState::disconnected,
                       drivers::HealthState::faulted})
      t.sample("wedge_device_state", std::int64_t{entry.device->health().state == state ? 1 : 0},
               {{"device", entry.id}, {"kind", entry.kind}, {"state", std::string(drivers::to_string(state))}});
  append_kpi_metrics(t, p.stations, kpi_targets(p.config), now_unix_ms());
  return t.text();
}

http::ActionResult scan_verdict_result(const std::string& station, const station::LastScan& verdict) {
  json::object body{{"result", verdict.verdict},
                    {"code", verdict.code},
                    {"reason", verdict.message},
                    {"station", station},
                    {"barcode", verdict.barcode}};
  if (verdict.verdict != "refused") return {200, std::move(body)};
  body["error"] = verdict.message;  // what wedgectl prints
  return {station::not_recorded(verdict) ? 503u : 409u, std::move(body)};
}

http::GatewayView make_gateway_view(GatewayParts parts, boost::asio::any_io_executor loop,
                                    std::chrono::milliseconds scan_verdict_wait) {
  http::GatewayView view;
  auto p = std::make_shared<GatewayParts>(parts);
  view.status = [p] { return status_json(*p); };
  view.devices = [p] { return devices_json(*p); };
  view.outbox = [p] { return outbox_json(*p); };
  view.metrics = [p] { return metrics_text(*p); };
  view.stations = [p] {
    json::array out;
    for (const auto& snapshot : p->stations.snapshots()) out.push_back(screen_json(*p, snapshot));
    return json::value(std::move(out));
  };
  view.kpi_trend = [p](const std::string& station) -> std::optional<json::value> {
    if (!station.empty() && !p->stations.snapshot(station)) return std::nullopt;
    return kpi_trend_json(p->stations, kpi_targets(p->config), station, now_unix_ms());
  };
  view.station = [p](const std::string& id) -> std::optional<json::value> {
    auto snapshot = p->stations.snapshot(id);
    if (!snapshot) return std::nullopt;
    return screen_json(*p, *snapshot);
  };
  view.scan = [p, loop, scan_verdict_wait](const http::ScanRequest& request, http::Reply reply) {
    // The same path as a scanner's scan; the client gets that scan's own verdict, or "pending" when
    // none came within the wait (the scan stays queued: its verdict shows on the screen later).
    struct Wait {
      http::Reply reply;
      boost::asio::steady_timer timer;
    };
    auto wait = std::make_shared<Wait>(Wait{std::move(reply), boost::asio::steady_timer(loop)});
    const bool known = p->stations.inject_scan(
        request.station, request.code, "", [wait, id = request.station](const station::LastScan& verdict) {
          if (!wait->reply) return;
          wait->timer.cancel();
          std::exchange(wait->reply, {})(scan_verdict_result(id, verdict));
        });
    if (!known) return wait->reply({404, json::object{{"error", "no such station: " + request.station}}});
    if (!wait->reply) return;  // answered at once (a refusal needs no commit)
    wait->timer.expires_after(scan_verdict_wait);
    wait->timer.async_wait([wait, id = request.station, scan_verdict_wait](const boost::system::error_code& ec) {
      if (ec || !wait->reply) return;
      std::exchange(wait->reply, {})(
          {202, json::object{{"result", "pending"},
                             {"station", id},
                             {"reason", "no verdict within " + std::to_string(scan_verdict_wait.count()) +
                                            " ms: the scan waits its turn at the station; its verdict "
                                            "will show on the station screen"}}});
    });
  };
  view.declare_short = [p](const http::ShortRequest& request, http::Reply reply) {
    int line = 0;
    try {
      line = std::stoi(request.line);
    } catch (const std::exception&) {
      return reply({400, json::object{{"error", "line must be a line number, got '" + request.line + "'"}}});
    }
    p->stations.declare_short(request.station, station::line_index(line), request.reason,
                              [reply](const station::ActionResult& result) {
                                if (result)
                                  reply({200, json::object{{"ok", true}, {"result", "accepted"}, {"reason", result->message}}});
                                else
                                  reply({409, json::object{{"ok", false}, {"result", "refused"}, {"reason", result.reason()},
                                                           {"error", result.reason()}}});
                              });
  };
  // Buttons: 202 when the station took the action (its verdict follows on the screen), 409 when
  // the workflow refused it now, 422 when this station cannot do it at all.
  auto button_reply = [](http::Reply reply) {
    return [reply](const station::ActionResult& r) {
      const auto refusal = r.error();  // empty when taken
      const std::string reason = r ? r->message : refusal.reason;
      const std::string order_id = r ? r->order_id : refusal.order_id;
      json::object body{{"result", r ? "accepted" : "refused"}, {"reason", reason}, {"message", reason}};
      if (!order_id.empty()) body["order_id"] = order_id;
      if (!r) body["error"] = reason;
      reply({r ? 202u : refusal.not_here() ? 422u : 409u, std::move(body)});
    };
  };
  view.next_order = [p, button_reply](const std::string& station, http::Reply reply) {
    if (!p->stations.snapshot(station)) return reply({404, json::object{{"error", "no such station: " + station}}});
    p->stations.next_order(station, button_reply(std::move(reply)));
  };
  view.reprint_label = [p, button_reply](const std::string& station, http::Reply reply) {
    if (!p->stations.snapshot(station)) return reply({404, json::object{{"error", "no such station: " + station}}});
    p->stations.reprint_label(station, button_reply(std::move(reply)));
  };
  view.new_parcel = [p, button_reply](const std::string& station, http::Reply reply) {
    if (!p->stations.snapshot(station)) return reply({404, json::object{{"error", "no such station: " + station}}});
    p->stations.new_parcel(station, button_reply(std::move(reply)));
  };
  view.print_test = [p](const std::string& printer, http::Reply reply) {
    if (p->devices.printer(printer) == nullptr)
      return reply({404, json::object{{"error", "no such printer: " + printer}}});
    auto result = p->print_queue.enqueue(print::test_label_job(printer));
    if (!result) return reply({409, json::object{{"error", result.error().reason}}});
    reply({202, json::object{{"job_id", *result}, {"printer", printer}}});
  };
  return view;
}

}  // namespace wedge
