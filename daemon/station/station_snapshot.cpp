#include "daemon/station/station_snapshot.hpp"

#include <boost/json/array.hpp>

#include "daemon/core/rfc3339.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {
json::value opt(const std::optional<double>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}
json::value text_or_null(const std::string& text) {
  return text.empty() ? json::value(nullptr) : json::value(text);
}
json::value time_or_null(const std::optional<std::int64_t>& unix_ms) {
  return unix_ms ? json::value(core::format_rfc3339_ms(*unix_ms)) : json::value(nullptr);
}
}  // namespace

bool not_recorded(const LastScan& verdict) {
  return verdict.verdict == "refused" && (verdict.code == "buffer full" || verdict.code == "storage error" ||
                                          verdict.code == "shutting down");
}

json::object station_snapshot_json(const StationSnapshot& s) {
  json::object o;
  o["station"] = s.station;
  json::array steps;
  for (const auto& step : s.steps) steps.emplace_back(step);
  o["steps"] = std::move(steps);
  o["order_id"] = text_or_null(s.order_id);
  o["step"] = text_or_null(s.step);
  o["phase"] = text_or_null(s.phase);
  o["status"] = text_or_null(s.status);
  o["prompt"] = s.prompt;
  if (s.next_line)
    o["next_line"] = json::object{{"line", s.next_line->line},
                                  {"sku", s.next_line->sku},
                                  {"location", s.next_line->location},
                                  {"qty_left", s.next_line->qty_left}};
  else
    o["next_line"] = nullptr;
  o["lines_total"] = s.lines_total;
  o["lines_done"] = s.lines_done;
  json::array locations;
  for (const auto& l : s.last_scan.locations) locations.emplace_back(l);
  o["last_scan"] = json::object{{"barcode", s.last_scan.barcode},
                                {"verdict", s.last_scan.verdict},
                                {"code", s.last_scan.code},
                                {"message", s.last_scan.message},
                                {"locations", std::move(locations)},
                                {"at_unix_ms", s.last_scan.at_unix_ms},
                                {"seq", s.last_scan.seq}};
  o["weight"] = json::object{{"live_grams", opt(s.weight.live_grams)},
                             {"stable", s.weight.stable},
                             {"expected_grams", opt(s.weight.expected_grams)},
                             {"allowed_deviation_grams", opt(s.weight.allowed_deviation_grams)},
                             {"measured_grams", opt(s.weight.measured_grams)}};
  o["label"] = json::object{{"state", s.label_state},
                            {"sscc", text_or_null(s.label_sscc)},
                            {"error", text_or_null(s.label_error)}};
  o["queued_orders"] = s.queued_orders;
  json::array put_away;
  for (const auto& location : s.put_away) {
    json::array items;
    for (const auto& item : location.items) {
      json::array serials;
      for (const auto& serial : item.serials) serials.emplace_back(serial);
      items.emplace_back(json::object{{"sku", item.sku}, {"qty", item.qty}, {"serials", std::move(serials)}});
    }
    put_away.emplace_back(json::object{{"location", location.location}, {"items", std::move(items)}});
  }
  o["put_away"] = std::move(put_away);
  json::array at_risk;
  for (const auto& r : s.orders_at_risk)
    at_risk.emplace_back(json::object{{"order_id", r.order_id},
                                      {"step", r.step},
                                      {"reason", r.reason},
                                      {"station", r.station},
                                      {"predicted_ship_at", time_or_null(r.predicted_ship_at_unix_ms)},
                                      {"ship_by", time_or_null(r.ship_by_unix_ms)}});
  o["orders_at_risk"] = std::move(at_risk);
  o["return"] = s.return_view.empty() ? json::value(nullptr) : json::value(s.return_view);
  o["version"] = s.version;
  return o;
}

}  // namespace wedge::station
