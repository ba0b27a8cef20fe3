// The stations' KPI hook (station_context.hpp): what committed events add to the KpiTracker.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "daemon/station/station_context.hpp"

namespace wedge::station {

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


}  // namespace

KpiFact kpi_fact(std::string_view type, const json::object& data) {
  KpiFact fact;
  fact.type = std::string(type);
  if (type == event::kItemPicked) fact.number = int_field(data, "qty");
  else if (type == event::kPickCompleted || type == event::kPackCompleted || type == event::kShipped)
    fact.number = int_field(data, "duration_ms");
  else if (type == event::kOrderCancelled) fact.step = string_field(data, "intercepted_step");
  else if (type == event::kReturnItemGraded) fact.step = string_field(data, "grade");
  // A cancellation that came after the parcel left: asked for, not intercepted.
  else if (type == event::kOrderCommandRefused && string_field(data, "command") == "order.cancel" &&
           string_field(data, "reason") == "already_shipped")
    fact.step = "shipped";
  return fact;
}

void observe_kpi(StationContext& ctx, const std::string& station_id, const std::string& order_id,
                 const KpiFact& fact) {
  auto& kpi = ctx.kpi;
  const auto& stations = ctx.stations;
  const std::string station = ctx.kpi_station(station_id);
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
    if (const auto* order = ctx.find_order(order_id); order && order->received_unix_ms > 0)
      kpi.fulfilled(station, ctx.now_ms() - order->received_unix_ms);
  } else if (fact.type == event::kOrderCancelled) {
    kpi.cancellation_intercepted(station, fact.step);
    kpi.cancellation_requested(station, fact.step);
  } else if (fact.type == event::kReturnItemGraded) {
    kpi.returned(station, fact.step);
  } else if (fact.type == event::kOrderCommandRefused && !fact.step.empty()) {
    kpi.cancellation_requested(station, fact.step);
  }
}

}  // namespace wedge::station
