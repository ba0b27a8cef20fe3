// KPIs and time limits of Stations (see station_impl.hpp): what committed events add to the
// KpiTracker, the per-window station.kpi telemetry, and order.at_risk when a step runs late.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "daemon/config/schema_settings.hpp"
#include "daemon/core/rfc3339.hpp"
#include "daemon/station/station_impl.hpp"

namespace wedge::station {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::int64_t int_field(const json::object& data, std::string_view key) {
  const auto* v = data.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

std::string string_field(const json::object& data, std::string_view key) {
  const auto* v = data.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

TimeLimits limits_of(const config::StationConfig& cfg) {
  // Stations built by hand in tests have no time_limits section: the documented defaults.
  const auto s = config::SchemaSettings::of(cfg).section("time_limits");
  return TimeLimits{s.get_int("pick_s"), s.get_int("pack_s"), s.get_int("ship_s")};
}

}  // namespace

Stations::Impl::KpiFact Stations::Impl::kpi_fact(std::string_view type, const Json& data) {
  KpiFact fact;
  fact.type = std::string(type);
  if (type == event::kItemPicked) fact.number = int_field(data, "qty");
  else if (type == event::kPickCompleted || type == event::kPackCompleted || type == event::kShipped)
    fact.number = int_field(data, "duration_ms");
  else if (type == event::kOrderCancelled) fact.step = string_field(data, "intercepted_step");
  return fact;
}

std::string Stations::Impl::kpi_station(const std::string& station) const {
  return stations.contains(station) ? station : std::string();
}

void Stations::Impl::observe(const std::string& station_id, const std::string& order_id, const KpiFact& fact) {
  const std::string station = kpi_station(station_id);
  const auto it = stations.find(station);
  const StationRt* st = it == stations.end() ? nullptr : &it->second;
  if (fact.type == event::kItemPicked) {
    kpi.picked(station, fact.number);
  } else if (fact.type == event::kWeightOk || fact.type == event::kWeightMismatch) {
    kpi.weighed(station, fact.type == event::kWeightMismatch);
  } else if (fact.type == event::kPickCompleted) {
    kpi.step_done(station, "pick", fact.number);
    // The order is done here when the station does not pack it too.
    if (st && !st->has("pack")) kpi.order_completed(station);
  } else if (fact.type == event::kPackCompleted) {
    kpi.step_done(station, "pack", fact.number);
    if (st && !st->has("ship")) kpi.order_completed(station);
  } else if (fact.type == event::kShipped) {
    kpi.step_done(station, "ship", fact.number);
    kpi.order_completed(station);
    if (const auto* order = find_order(order_id); order && order->received_unix_ms > 0)
      kpi.fulfilled(station, now_ms() - order->received_unix_ms);
  } else if (fact.type == event::kOrderCancelled) {
    kpi.cancellation_intercepted(station, fact.step);
  }
}

void Stations::Impl::arm_kpi_window() {
  // Windows end on multiples of the interval since the epoch, so every gateway's minutes line up.
  const auto interval_ms = kpi_interval.count();
  const auto now = now_ms();
  const auto next_end = (now / interval_ms + 1) * interval_ms;
  std::weak_ptr<Impl> weak = shared_from_this();
  kpi_timer->expires_after(std::chrono::milliseconds(next_end - now));
  kpi_timer->async_wait([weak](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || !self->running) return;
    self->publish_kpis();
    self->arm_kpi_window();
  });
}

void Stations::Impl::publish_kpis() {
  for (auto& [station, figures] : kpi.close_window(now_ms())) {
    // The gateway-level bucket ("" station) appears in /metrics and the overview only.
    if (station.empty() || !stations.contains(station)) continue;
    json::object data = figures.to_json();
    data["station"] = station;
    events.emit_telemetry(station, event::kStationKpi, data, [station](const outbox::AppendResult& result) {
      if (!result)
        spdlog::debug("station={} KPI window not stored: {}", station, outbox::to_string(result.error));
    });
  }
}

TimeLimits Stations::Impl::limits_for(const OrderRecord& order) const {
  // The station working on the order; else one that can take it in its current step.
  if (auto it = stations.find(order.station); it != stations.end()) return limits_of(*it->second.cfg);
  const auto step = std::string(to_string(order.step));
  for (const auto& [id, st] : stations)
    if (matches(st, order.target) && st.has(step)) return limits_of(*st.cfg);
  for (const auto& [id, st] : stations)
    if (st.has(step)) return limits_of(*st.cfg);
  return TimeLimits{};
}

void Stations::Impl::arm_risk_check() {
  std::weak_ptr<Impl> weak = shared_from_this();
  risk_timer->expires_after(options.at_risk_check);
  risk_timer->async_wait([weak](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || !self->running) return;
    self->check_time_limits();
    self->verify_queue_index();  // a safety net: should never find anything
    self->arm_risk_check();
  });
}

void Stations::Impl::check_time_limits() {
  const auto now = now_ms();
  for (auto& [order_id, order] : orders) {
    // Most stored orders are shipped or cancelled: skip them before looking up any limits.
    if (order.final()) continue;
    const auto risk = check_at_risk(order, limits_for(order), now);
    if (!risk) continue;
    const std::string step(to_string(risk->step));
    // Marked before the commit so the next check does not report it twice; saved once stored.
    order.at_risk_reported.insert(step);
    const std::string station = !order.station.empty() ? order.station : order.command_station;
    Json data = order_position(order);
    data["status"] = to_string(order.status);
    data["station"] = order.station;
    data["target"] = order.target;
    data["since"] = core::format_rfc3339_ms(risk->since_unix_ms);
    data["limit_s"] = risk->limit_s;
    data["elapsed_s"] = static_cast<double>(risk->elapsed_ms) / 1000.0;
    data["late_s"] = static_cast<double>(risk->elapsed_ms - risk->limit_s * 1000) / 1000.0;
    spdlog::warn("order={} at risk: {} for {:.0f} s (limit {} s) at station '{}'", order_id, step,
                 static_cast<double>(risk->elapsed_ms) / 1000.0, risk->limit_s, order.station);
    const std::string id = order_id;
    commit(station, order_id, event::kOrderAtRisk, std::move(data),
           [this, id, station, step] {
             kpi.at_risk(kpi_station(station), step);
             if (auto* o = find_order(id)) save(*o);
           },
           [this, id, step](const outbox::AppendResult&) {
             // Not stored (buffer full): try again at a later check.
             if (auto* o = find_order(id)) o->at_risk_reported.erase(step);
           });
  }
}

}  // namespace wedge::station
