// OrderRisk (order_risk.hpp): early warnings, late steps and the ship_by prediction.
#include "daemon/station/order_risk.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/config/schema_settings.hpp"
#include "daemon/core/rfc3339.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

config::SchemaSettings time_limits_of(const StationRt& st) {
  // Stations built by hand in tests have no time_limits section: the documented defaults.
  return config::SchemaSettings::of(*st.cfg).section("time_limits");
}

TimeLimits limits_of(const StationRt& st) {
  const auto s = time_limits_of(st);
  return TimeLimits{s.get_int("pick_s"), s.get_int("pack_s"), s.get_int("ship_s")};
}

std::int64_t limit_of(const OrderRecord& order, const TimeLimits& station, Step step) {
  const auto& own = order.pick_list.time_limits;
  switch (step) {
    case Step::pick: return own.pick_s.value_or(station.pick_s);
    case Step::pack: return own.pack_s.value_or(station.pack_s);
    default: return own.ship_s.value_or(station.ship_s);
  }
}

void add_clock(json::object& data, const AtRisk& clock) {
  data["since"] = core::format_rfc3339_ms(clock.since_unix_ms);
  data["limit_s"] = clock.limit_s;
  data["elapsed_s"] = static_cast<double>(clock.elapsed_ms) / 1000.0;
  data["late_s"] = static_cast<double>(clock.elapsed_ms - clock.limit_s * 1000) / 1000.0;
}

std::string topic_station(const OrderRecord& order) {
  return !order.station.empty() ? order.station : order.command_station;
}

}  // namespace

const StationRt* OrderRisk::station_for(const OrderRecord& order, Step step) const {
  const auto name = to_string(step);
  if (auto it = ctx_.stations.find(order.station); it != ctx_.stations.end() && it->second.has(name))
    return &it->second;
  for (const auto& [id, st] : ctx_.stations)
    if (ctx_.matches(st, order.target) && st.has(name)) return &st;
  for (const auto& [id, st] : ctx_.stations)
    if (st.has(name)) return &st;
  return nullptr;
}

TimeLimits OrderRisk::limits_for(const OrderRecord& order) const {
  if (auto it = ctx_.stations.find(order.station); it != ctx_.stations.end()) return limits_of(it->second);
  const auto* st = station_for(order, order.step);
  return st ? limits_of(*st) : TimeLimits{};
}

std::int64_t OrderRisk::warn_percent_for(const OrderRecord& order) const {
  const StationRt* st = nullptr;
  if (auto it = ctx_.stations.find(order.station); it != ctx_.stations.end()) st = &it->second;
  if (!st) st = station_for(order, order.step);
  return st ? time_limits_of(*st).get_int("warn_at_percent") : 0;
}

std::optional<double> OrderRisk::measured_median(const std::string& station, Step step, std::int64_t now) {
  const auto key = std::make_pair(station, step);
  if (auto it = medians_.find(key); it != medians_.end()) return it->second;
  // One merge of the station's kept windows per pass, for all its steps.
  const auto figures = ctx_.kpi.recent(station, now);
  for (Step s : {Step::pick, Step::pack, Step::ship}) {
    const auto durations = figures.step_seconds.find(std::string(to_string(s)));
    medians_[{station, s}] =
        durations == figures.step_seconds.end() ? std::nullopt : nearest_rank(durations->second, 0.5);
  }
  return medians_[key];
}

std::map<Step, StepEstimate> OrderRisk::estimates_for(const OrderRecord& order, std::int64_t now) {
  std::map<Step, StepEstimate> estimates;
  for (Step step : {Step::pick, Step::pack, Step::ship}) {
    if (step < order.step) continue;
    const auto* st = station_for(order, step);
    if (!st) continue;  // no station of this gateway does it
    estimates[step] = StepEstimate{measured_median(st->id, step, now), limit_of(order, limits_of(*st), step)};
  }
  return estimates;
}

void OrderRisk::check() {
  const auto now = ctx_.now_ms();
  medians_.clear();
  list_.clear();
  for (auto& [order_id, order] : ctx_.orders) {
    // Most stored orders are shipped or cancelled: skip them before looking up any limits.
    if (order.final()) continue;
    const auto limits = limits_for(order);
    const auto warn_percent = warn_percent_for(order);
    const auto late = check_at_risk(order, limits, now);
    const auto near = late ? std::nullopt : check_step_warning(order, limits, warn_percent, now);
    std::optional<ShipPrediction> prediction;
    if (order.pick_list.ship_by_unix_ms || late || near)
      prediction = predict_ship(order, estimates_for(order, now), now);
    if (late) report_step(order, *late, "step_limit", warn_percent, prediction);
    else if (near) report_step(order, *near, "step_limit_near", warn_percent, prediction);
    if (order.ship_by_at_risk && !order.pick_list.ship_by_unix_ms) {
      // An order.update took the cut-off away: nothing left to miss, and nothing to tell the OMS
      // that sent it.
      order.ship_by_at_risk = false;
      ctx_.save(order);
    }
    if (prediction && order.pick_list.ship_by_unix_ms) {
      const auto change = ship_by_change(order, prediction->ship_at_unix_ms);
      if (const auto clock = step_clock(order, limits, now); clock && change != ShipByChange::none)
        report_ship_by(order, change, *clock, *prediction);
    }
    add_to_list(order, prediction);
  }
  std::stable_sort(list_.begin(), list_.end(), [](const AtRiskOrder& a, const AtRiskOrder& b) { return a.rank < b.rank; });
  // The screens show the predicted time to the minute: a prediction that moves with the clock
  // (a step past its median) does not push every station's snapshot every pass.
  const auto minute = [](const std::optional<std::int64_t>& t) { return t ? *t / 60'000 : -1; };
  const auto same = [&minute](const AtRiskOrder& a, const AtRiskOrder& b) {
    return a.order_id == b.order_id && a.step == b.step && a.reason == b.reason && a.station == b.station &&
           minute(a.predicted_ship_at_unix_ms) == minute(b.predicted_ship_at_unix_ms);
  };
  if (std::equal(list_.begin(), list_.end(), ctx_.at_risk.begin(), ctx_.at_risk.end(), same)) return;
  ctx_.at_risk.swap(list_);
  for (auto& [id, st] : ctx_.stations) ctx_.notify(st);
}

void OrderRisk::add_to_list(const OrderRecord& order, const std::optional<ShipPrediction>& prediction) {
  const std::string step(to_string(order.step));
  std::string reason;
  if (order.at_risk_reported.contains(step)) reason = "step_limit";
  else if (order.ship_by_at_risk) reason = "ship_by";
  else if (order.at_risk_warned.contains(step)) reason = "step_limit_near";
  else return;
  AtRiskOrder entry{order.order_id, step, reason, order.station, order.target, std::nullopt,
                    order.pick_list.ship_by_unix_ms, order.rank};
  if (prediction && order.pick_list.ship_by_unix_ms) entry.predicted_ship_at_unix_ms = prediction->ship_at_unix_ms;
  list_.push_back(std::move(entry));
}

OrderRisk::Json OrderRisk::event_data(const OrderRecord& order, std::string_view reason,
                                      const std::optional<ShipPrediction>& prediction) const {
  Json data = order_position(order);
  data["status"] = to_string(order.status);
  data["station"] = order.station;
  data["target"] = order.target;
  data["reason"] = reason;
  const auto& ship_by = order.pick_list.ship_by_unix_ms;
  data["ship_by"] = ship_by ? json::value(core::format_rfc3339_ms(*ship_by)) : json::value(nullptr);
  data["predicted_ship_at"] =
      prediction ? json::value(core::format_rfc3339_ms(prediction->ship_at_unix_ms)) : json::value(nullptr);
  data["predicted_late_s"] = prediction && ship_by
                                 ? json::value(static_cast<double>(prediction->ship_at_unix_ms - *ship_by) / 1000.0)
                                 : json::value(nullptr);
  json::object basis;
  if (prediction)
    for (const auto& [step, how] : prediction->basis) basis[step] = how;
  data["basis"] = std::move(basis);
  return data;
}

void OrderRisk::report_step(OrderRecord& order, const AtRisk& clock, std::string_view reason,
                            std::int64_t warn_percent, const std::optional<ShipPrediction>& prediction) {
  const std::string step(to_string(clock.step));
  const bool warning = reason == "step_limit_near";
  // Marked before the commit so the next pass does not report it twice; saved once stored. A step
  // reported late needs no early warning any more.
  auto& marks = warning ? order.at_risk_warned : order.at_risk_reported;
  marks.insert(step);
  const bool also_warned = !warning && order.at_risk_warned.insert(step).second;
  Json data = event_data(order, reason, prediction);
  add_clock(data, clock);
  if (warning) data["warn_at_percent"] = warn_percent;
  const auto station = topic_station(order);
  spdlog::warn("order={} at risk ({}): {} for {:.0f} s (limit {} s) at station '{}'", order.order_id, reason, step,
               static_cast<double>(clock.elapsed_ms) / 1000.0, clock.limit_s, order.station);
  const std::string id = order.order_id;
  ctx_.commit(station, id, event::kOrderAtRisk, std::move(data),
              [this, id, station, step] {
                ctx_.kpi.at_risk(ctx_.kpi_station(station), step);
                if (auto* o = ctx_.find_order(id)) ctx_.save(*o);
              },
              [this, id, step, warning, also_warned](const outbox::AppendResult&) {
                // Not stored (buffer full): try again at a later pass.
                auto* o = ctx_.find_order(id);
                if (!o) return;
                (warning ? o->at_risk_warned : o->at_risk_reported).erase(step);
                if (also_warned) o->at_risk_warned.erase(step);
              });
}

void OrderRisk::report_ship_by(OrderRecord& order, ShipByChange change, const AtRisk& clock,
                               const ShipPrediction& prediction) {
  const bool at_risk = change == ShipByChange::at_risk;
  order.ship_by_at_risk = at_risk;  // marked before the commit, as above
  Json data = event_data(order, "ship_by", prediction);
  if (at_risk) add_clock(data, clock);
  const auto station = topic_station(order);
  const auto late_s = static_cast<double>(prediction.ship_at_unix_ms - *order.pick_list.ship_by_unix_ms) / 1000.0;
  if (at_risk)
    spdlog::warn("order={} at risk: predicted to ship {:.0f} s after its ship_by {}", order.order_id, late_s,
                 core::format_rfc3339_ms(*order.pick_list.ship_by_unix_ms));
  else
    spdlog::info("order={} back on track: predicted to ship {:.0f} s before its ship_by", order.order_id, -late_s);
  const std::string id = order.order_id;
  const std::string step(to_string(order.step));
  ctx_.commit(station, id, at_risk ? event::kOrderAtRisk : event::kOrderBackOnTrack, std::move(data),
              [this, id, station, step, at_risk] {
                if (at_risk) ctx_.kpi.at_risk(ctx_.kpi_station(station), step);
                if (auto* o = ctx_.find_order(id)) ctx_.save(*o);
              },
              [this, id, at_risk](const outbox::AppendResult&) {
                if (auto* o = ctx_.find_order(id)) o->ship_by_at_risk = !at_risk;
              });
}

}  // namespace wedge::station
