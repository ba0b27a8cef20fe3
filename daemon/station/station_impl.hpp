// Internal to the stations module: the object behind Stations (stations.hpp). It owns the
// StationContext (station_context.hpp) and the step classes, wires the devices to them, and routes
// each station's scans one at a time to the step its current order is in (scan_routing.cpp):
//   PickStep (pick_step.hpp)          item and location scans, short picks, pick.completed
//   PackStep (pack_step.hpp)          identify, weigh, verify the label, pack.completed
//   LabelStep (label_step.hpp)        print, fail, void, outcome, resume of the shipping label
//   ShipStep (ship_step.hpp)          shipped
//   OrderCommands (order_commands.hpp)   OMS commands applied to the orders
//   PutAway (put_away.hpp)            a cancelled order's units back to their locations
//   OperatorActions (operator_actions.hpp) next order, reprint label
//   PeriodicChecks (periodic_checks.hpp)   KPI windows, at-risk orders
//   Housekeeping (housekeeping.hpp)   journal replay, purge, eviction
//   ReturnStep (return_step.hpp)      returns: identify, check and grade items, return commands
// A new step (returns, parcels) is a new class holding a StationContext&, routed from process().
// Loop thread only.
#pragma once

#include <memory>
#include <string>

#include "daemon/core/loop_guard.hpp"
#include "daemon/station/housekeeping.hpp"
#include "daemon/station/label_step.hpp"
#include "daemon/station/operator_actions.hpp"
#include "daemon/station/order_commands.hpp"
#include "daemon/station/pack_step.hpp"
#include "daemon/station/periodic_checks.hpp"
#include "daemon/station/pick_step.hpp"
#include "daemon/station/put_away.hpp"
#include "daemon/station/return_step.hpp"
#include "daemon/station/ship_step.hpp"
#include "daemon/station/station_context.hpp"
#include "daemon/station/stations.hpp"

namespace wedge::station {

// Impl is-a StationContext so that it owns the context with the steps' lifetime; the steps see
// only the StationContext.
struct Stations::Impl : StationContext, std::enable_shared_from_this<Stations::Impl> {
  Impl(boost::asio::any_io_executor loop, const config::Config& config, DeviceSet& devices,
       outbox::EventSink& sink, commands::CommandJournal& journal, print::PrintQueue& print_queue,
       const std::string& state_dir, StationsOptions options);

  core::LoopGuard loop_guard;  // the public entry points assert they run on the loop
  DeviceSet& devices;
  commands::CommandJournal& journal;  // commands.db's owner: the stations read it at start, post the purge

  // The steps (each sees only the StationContext and the steps it names).
  PickStep pick{*this};
  LabelStep label;
  PackStep pack{*this, label};
  ShipStep ship{*this};
  OrderCommands order_commands{*this, pick, pack, label};
  PeriodicChecks checks;
  PutAway put_away{*this, [this](StationRt& st, OrderRecord& order, const PendingScan& scan) {
                     return set_aside(st, order, scan);
                   }};
  OperatorActions actions{*this, label, [this](StationRt& st, PendingScan scan) { on_scan(st, std::move(scan)); }};
  Housekeeping housekeeping;
  ReturnStep returns;

  // The journal's order checks (command_checks.hpp) against the orders as they are now.
  [[nodiscard]] core::Status check_command(const commands::Command& command);

  // --- lifetime and devices (stations.cpp) ---
  void start();
  void stop();
  void on_scale_reading(StationRt& st, const drivers::scale::Reading& reading);
  // A station's runtime for its entry: devices looked up, timer made (stations.cpp).
  StationRt make_station(const config::StationConfig& cfg);
  // Installs the station's scan and reading handlers (while running).
  void hook_devices(StationRt& st);
  void unhook_devices(StationRt& st);

  // --- reload (stations_reload.cpp) ---
  std::vector<std::string> reload_problems(const config::Config& next) const;
  void reconfigure();

  // --- scan routing (scan_routing.cpp) ---
  void on_scan(StationRt& st, PendingScan scan);
  void drain(StationRt& st);
  // Handles one scan; true when it waits for a commit (finish_scan() ends it).
  bool process(StationRt& st, const PendingScan& scan);
  // A scan at a free station: the order or parcel it names, at the step this station does.
  bool free_station_scan(StationRt& st, const PendingScan& scan);
  // The order barcode scanned at a station holding a held or cancelled order: it leaves the station.
  bool set_aside(StationRt& st, OrderRecord& order, const PendingScan& scan);
};

}  // namespace wedge::station
