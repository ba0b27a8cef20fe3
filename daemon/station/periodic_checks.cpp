// PeriodicChecks (periodic_checks.hpp): the per-window station.kpi telemetry, and the timer of the
// risk check (order_risk.hpp).
#include "daemon/station/periodic_checks.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "daemon/config/schema_settings.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

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
      risk_(ctx),
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

void PeriodicChecks::arm_risk_check() {
  risk_timer_.expires_after(ctx_.options.at_risk_check);
  risk_timer_.async_wait([this, alive = ctx_.alive()](const boost::system::error_code& ec) {
    if (ec || !alive()) return;
    risk_.check();
    // A safety net: should never find anything.
    if (!ctx_.queue.verify(ctx_.orders))
      for (auto& [id, st] : ctx_.stations) ctx_.notify(st);
    arm_risk_check();
  });
}

}  // namespace wedge::station
