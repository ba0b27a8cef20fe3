// Stations::Impl's side of a reload (stations.hpp: reload_problems, reconfigure): which changes the
// orders in progress allow, and applying the new station entries in place.
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <set>

#include "daemon/station/station_impl.hpp"

namespace wedge::station {

namespace {

// The order of the station's that stands in the way of removing it: one it works on, or one queued
// for that very station (an order for its group can go to another member).
const OrderRecord* order_on(const std::map<std::string, OrderRecord>& orders, const std::string& station) {
  for (const auto& [id, order] : orders) {
    if (order.final()) continue;
    if (order.station == station || (order.station.empty() && order.target == station)) return &order;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> Stations::Impl::reload_problems(const config::Config& next) const {
  std::vector<std::string> problems;
  for (const auto& [id, st] : stations) {
    const auto* entry = next.find_station(id);
    if (entry == nullptr) {
      if (returns.holds(st))
        problems.push_back(fmt::format("station {} is removed but holds return {}: complete or set it aside first",
                                       id, returns.return_at(st)));
      else if (const auto* order = order_on(orders, id))
        problems.push_back(fmt::format("station {} is removed but has order {} ({}/{}): finish, cancel or "
                                       "move it first",
                                       id, order->order_id, to_string(order->step), to_string(order->phase)));
      else if (st.busy || !st.pending.empty())
        problems.push_back(fmt::format("station {} is removed but a scan there is still being recorded: "
                                       "reload again in a moment",
                                       id));
      continue;
    }
    if (returns.holds(st) && !entry->has_step("returns"))
      problems.push_back(fmt::format("station {} would no longer take returns and holds return {}: complete or "
                                     "set it aside first",
                                     id, returns.return_at(st)));
    const auto current = orders.find(st.current);
    if (current == orders.end() || current->second.final()) continue;
    const std::string step(to_string(current->second.step));
    if (!entry->has_step(step))
      problems.push_back(fmt::format("station {} would no longer do step {}, where its order {} is", id, step,
                                     st.current));
  }
  return problems;
}

void Stations::Impl::reconfigure() {
  std::set<std::string> configured;
  for (const auto& cfg : config.stations) configured.insert(cfg.id);
  for (auto it = stations.begin(); it != stations.end();) {
    if (configured.count(it->first) != 0) {
      ++it;
      continue;
    }
    unhook_devices(it->second);
    it->second.retry_timer->cancel();
    kpi.remove_station(it->first, now_ms());
    spdlog::info("station={} removed by reload", it->first);
    it = stations.erase(it);
  }
  require_shipping = false;
  for (const auto& cfg : config.stations) {
    if (cfg.has_step("pack")) require_shipping = true;
    auto fresh = make_station(cfg);
    auto it = stations.find(cfg.id);
    if (it == stations.end()) {
      kpi.add_station(cfg.id);
      it = stations.emplace(cfg.id, std::move(fresh)).first;
      spdlog::info("station={} added by reload", cfg.id);
    } else {
      // Everything the entry decides is taken again; the order, the scans and what the screen
      // shows stay.
      auto& st = it->second;
      unhook_devices(st);
      st.cfg = fresh.cfg;
      st.group = fresh.group;
      st.scanner = fresh.scanner;
      st.scale = fresh.scale;
      st.printer = fresh.printer;
      st.light = fresh.light;
    }
    if (!running) continue;
    auto& st = it->second;
    hook_devices(st);
    // The scale may be another one now: ask it for the weight the order waits for.
    auto* order = current_order(st);
    if (order && order->status == OrderStatus::active && order->phase == Phase::weigh) pack.arm_weigh(st);
  }
  label.reload_templates();
  if (!running) return;
  assign_all();
  for (auto& [id, st] : stations) notify(st);
}

}  // namespace wedge::station
