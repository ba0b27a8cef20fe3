// PeriodicChecks (periodic_checks.hpp): the per-window station.kpi telemetry and order.at_risk
// when a step runs late.
#include "daemon/station/periodic_checks.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "daemon/config/schema_settings.hpp"
#include "daemon/core/rfc3339.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

TimeLimits limits_of(const config::StationConfig& cfg) {
  // Stations built by hand in tests have no time_limits section: the documented defaults.
  const auto s = config::SchemaSettings::of(cfg).section("time_limits");
  return TimeLimits{s.get_int("pick_s"), s.get_int("pack_s"), s.get_int("ship_s")};
}

std::chrono::milliseconds configured_kpi_interval(const config::Config& config) {
  return std::chrono::seconds(config::SchemaSettings::of(config, "kpi").get_int("interval_s"));
}

}  // namespace

PeriodicChecks::PeriodicChecks(StationContext& ctx, const std::string& kpi_db)
    : ctx_(ctx),
      kpi_interval_(ctx.options.kpi_interval.count() > 0 ? ctx.options.kpi_interval
                                                         : configured_kpi_interval(ctx.config)),
      kpi_timer_(ctx.loop),
      risk_timer_(ctx.loop),
      kpi_store_(kpi_db),
      save_timer_(ctx.loop) {}

void PeriodicChecks::start() {
  restore_kpis();
  arm_kpi_window();
  arm_kpi_save();
  arm_risk_check();
}

void PeriodicChecks::stop() {
  kpi_timer_.cancel();
  save_timer_.cancel();
  risk_timer_.cancel();
  save_kpis();
}

PeriodicChecks::~PeriodicChecks() { save_kpis(); }

void PeriodicChecks::restore_kpis() {
  if (restored_) return;
  restored_ = true;
  auto saved = kpi_store_.load();
  if (!saved) {
    spdlog::error("KPI figures of earlier runs not restored: {}", saved.error().reason);
    return;
  }
  if (!saved->has_value()) return;  // first start
  if (auto status = ctx_.kpi.restore(**saved, ctx_.now_ms(), kpi_interval_.count()); !status) {
    spdlog::error("KPI figures of earlier runs not restored: {}", status.error().reason);
    return;
  }
  // Stations of an earlier configuration: their history stays in the gateway's trend and days.
  for (const auto& id : ctx_.kpi.stations())
    if (!id.empty() && !ctx_.stations.contains(id)) ctx_.kpi.remove_station(id, ctx_.now_ms());
  saved_revision_ = ctx_.kpi.revision();
  spdlog::info("KPI figures of earlier runs restored from kpi.db");
}

void PeriodicChecks::arm_kpi_save() {
  save_timer_.expires_after(kKpiSaveEvery);
  save_timer_.async_wait([this, alive = ctx_.alive()](const boost::system::error_code& ec) {
    if (ec || !alive()) return;
    save_kpis();
    arm_kpi_save();
  });
}

void PeriodicChecks::save_kpis() {
  if (!restored_ || ctx_.kpi.revision() == saved_revision_) return;
  const auto now = ctx_.now_ms();
  if (auto status = kpi_store_.save(ctx_.kpi.save(now), now); !status) {
    spdlog::warn("KPI figures not saved (kept in memory, saved again in {} s): {}", kKpiSaveEvery.count(),
                 status.error().reason);
    return;
  }
  saved_revision_ = ctx_.kpi.revision();
}

void PeriodicChecks::arm_kpi_window() {
  // Windows end on multiples of the interval since the epoch, so every gateway's minutes line up.
  const auto interval_ms = kpi_interval_.count();
  const auto now = ctx_.now_ms();
  const auto next_end = (now / interval_ms + 1) * interval_ms;
  kpi_timer_.expires_after(std::chrono::milliseconds(next_end - now));
  kpi_timer_.async_wait([this, alive = ctx_.alive()](const boost::system::error_code& ec) {
    if (ec || !alive()) return;
    publish_kpis();
    save_kpis();
    arm_kpi_window();
  });
}

void PeriodicChecks::publish_kpis() {
  for (auto& [station, figures] : ctx_.kpi.close_window(ctx_.now_ms())) {
    // The gateway-level bucket ("" station) appears in /metrics and the overview only.
    if (station.empty() || !ctx_.stations.contains(station)) continue;
    json::object data = figures.to_json();
    data["station"] = station;
    ctx_.events.emit_telemetry(station, event::kStationKpi, data, [station](const outbox::AppendResult& result) {
      if (!result)
        spdlog::debug("station={} KPI window not stored: {}", station, outbox::to_string(result.error().code));
    });
  }
}

TimeLimits PeriodicChecks::limits_for(const OrderRecord& order) const {
  // The station working on the order; else one that can take it in its current step.
  if (auto it = ctx_.stations.find(order.station); it != ctx_.stations.end()) return limits_of(*it->second.cfg);
  const auto step = std::string(to_string(order.step));
  for (const auto& [id, st] : ctx_.stations)
    if (ctx_.matches(st, order.target) && st.has(step)) return limits_of(*st.cfg);
  for (const auto& [id, st] : ctx_.stations)
    if (st.has(step)) return limits_of(*st.cfg);
  return TimeLimits{};
}

void PeriodicChecks::arm_risk_check() {
  risk_timer_.expires_after(ctx_.options.at_risk_check);
  risk_timer_.async_wait([this, alive = ctx_.alive()](const boost::system::error_code& ec) {
    if (ec || !alive()) return;
    check_time_limits();
    // A safety net: should never find anything.
    if (!ctx_.queue.verify(ctx_.orders))
      for (auto& [id, st] : ctx_.stations) ctx_.notify(st);
    arm_risk_check();
  });
}

void PeriodicChecks::check_time_limits() {
  const auto now = ctx_.now_ms();
  for (auto& [order_id, order] : ctx_.orders) {
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
    ctx_.commit(station, order_id, event::kOrderAtRisk, std::move(data),
           [this, id, station, step] {
             ctx_.kpi.at_risk(ctx_.kpi_station(station), step);
             if (auto* o = ctx_.find_order(id)) ctx_.save(*o);
           },
           [this, id, step](const outbox::AppendResult&) {
             // Not stored (buffer full): try again at a later check.
             if (auto* o = ctx_.find_order(id)) o->at_risk_reported.erase(step);
           });
  }
}

}  // namespace wedge::station
