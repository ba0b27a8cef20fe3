// Stations: the pick → pack → ship workflow of every station of the gateway (docs/workflows.md).
//
// Contract
// - Orders come from OMS commands (handle_command): a pick_list is validated (order.hpp), stored
//   (OrderStore, <state_dir>/stations.db) and queued FIFO for its station or station group;
//   cancel / hold / release / update take effect at once, whatever the step, and the outcome says
//   at which step the order was intercepted.
// - Every command handle_command() applied is recorded in stations.db. start() applies the
//   commands of <state_dir>/commands.db that were stored but never applied (a crash between the
//   journal's commit and the stations'), in arrival order, before the link starts. If stations.db
//   cannot tell whether a command was applied (SQLITE_BUSY, I/O error), the replay stops there and
//   is tried again at the next start: a command is never applied twice.
// - Order state lives only here (stations.db). The stations install the CommandJournal's order
//   checks (command_checks.hpp): an OMS command for an unknown order, a pick_list for an existing
//   one or a transition the order's state forbids is rejected before the journal stores it.
// - Databases: the stations alone write stations.db, on the loop. They never write commands.db:
//   the hourly purge is posted to the CommandJournal, its only writer.
// - KPIs (kpi.hpp) are counted from committed events and published per station as station.kpi
//   telemetry at the end of each window; an order whose step runs past its time limit gets one
//   order.at_risk event per step.
// - Scans come from each station's scanner (or inject_scan, same path). Every scan gets one
//   verdict — accepted, refused (reason) or attention — shown at once on the light and in the
//   snapshot, and one event in the outbox. "Accepted" is shown only after the outbox committed
//   the event; if the outbox refuses it, the scan is refused with reason "buffer full". Scans of
//   one station are handled one at a time, in arrival order.
// - Progress is saved after each committed event, so destroying and recreating Stations over the
//   same state_dir resumes every order in exactly its step and phase (a pending weighing is asked
//   again, a label job is looked up in the print queue).
// - A reload (reconfigure) adds, removes and changes stations without a restart; see below.
// - Stations installs the scanner scan handlers, the scale reading handlers and the print queue's
//   outcome handler (nothing else may replace them while it lives).
//
// Threading: construct, call and destroy on the loop thread; every handler runs there. Debug builds
// assert it at the entry points that take work or read state (core/loop_guard.hpp).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/commands/command.hpp"
#include "daemon/commands/command_journal.hpp"
#include "daemon/config/config.hpp"
#include "daemon/core/result.hpp"
#include "daemon/devices/device_set.hpp"
#include "daemon/outbox/event_sink.hpp"
#include "daemon/print/print_queue.hpp"
#include "daemon/gs1/gs1_date.hpp"
#include "daemon/kpi/kpi.hpp"
#include "daemon/station/station_snapshot.hpp"

namespace wedge::station {

// Tuning and test hooks; the defaults suit production.
struct StationsOptions {
  std::optional<CalendarDate> today;  // date for expiry checks; empty = today (UTC)
  std::chrono::milliseconds weigh_timeout{std::chrono::seconds(30)};  // per stable-weight wait
  std::chrono::milliseconds scale_retry{std::chrono::seconds(1)};     // after a scale fault
  std::size_t max_pending_scans = 32;  // scans queued behind one awaiting its commit
  std::string template_dir;            // empty = printing.template_dir from config
  std::chrono::milliseconds kpi_interval{0};  // KPI window; 0 = kpi.interval_s from config
  std::chrono::milliseconds at_risk_check{std::chrono::seconds(1)};  // how often time limits are checked
  // Shipped and cancelled orders are forgotten this long after they ended (checked at start and
  // hourly), so that months of orders do not pile up in memory and stations.db. Empty: the
  // configuration's orders.keep_ended_hours (read at each sweep, so a reload applies it).
  std::optional<std::chrono::milliseconds> final_order_retention;
  // Shipped and cancelled orders leave memory this long after they ended (swept as often), and
  // are read back from stations.db when a command or scan names them: a day of them at 50 busy
  // stations (some 40,000) kept in memory cost 176 MB and most of a core (every scan's snapshot
  // and every SSCC lookup walked them all).
  std::chrono::milliseconds final_order_in_memory{std::chrono::minutes(1)};
};

// The outcome of one OMS command, once its event is stored (or it was refused).
struct CommandOutcome {
  bool accepted = false;
  std::string code;               // "accepted", "duplicate", "invalid_pick_list", "unknown_order",
                                  // "already_shipped", "already_handed_over", "no_station", …
  std::string reason;             // one sentence
  std::string intercepted_step;   // cancel/hold/release/update: queued | pick | pack | ship | shipped
                                  // | handed_over
  std::string intercepted_phase;  // the phase inside that step
};

// An operator action (declare_short, next_order, reprint_label, new_parcel) the station took.
struct ActionTaken {
  std::string message;   // "label sent to the printer", …
  std::string order_id;  // the order the action concerns, when there is one
};

// Why the station refused one: invalid_argument when the station or its step cannot do this at all
// ("this station does not print shipping labels"); failed_precondition when not now ("the label is
// still printing"); unavailable when its event could not be stored ("buffer full").
struct ActionRefusal {
  core::Errc code = core::Errc::failed_precondition;
  std::string reason;
  std::string order_id;  // the order the action concerns, when there is one
  bool not_here() const { return code == core::Errc::invalid_argument; }
};

using ActionResult = core::Result<ActionTaken, ActionRefusal>;

class Stations {
 public:
  using ChangeHandler = std::function<void(const StationSnapshot&)>;
  using CommandDone = std::function<void(const CommandOutcome&)>;
  using ActionDone = std::function<void(const ActionResult&)>;
  using ScanDone = std::function<void(const LastScan&)>;

  // Throws std::runtime_error when stations.db cannot be opened or the SSCC generator cannot be
  // built (start-up errors). `config`, `devices`, `events`, `journal` and `print_queue` must
  // outlive this. Every event goes to `events` (outbox::EventSink); the stations never see the MQTT
  // link. commands.db belongs to `journal`: the stations read it at start and post their writes;
  // they install its order checks for their lifetime.
  Stations(boost::asio::any_io_executor loop, const config::Config& config, DeviceSet& devices,
           outbox::EventSink& events, commands::CommandJournal& journal, print::PrintQueue& print_queue,
           const std::string& state_dir, StationsOptions options = {});
  ~Stations();
  // Installs the order checks on the journal again: a reload that changes the broker settings
  // re-makes the journal in the same place (app_reload.cpp), and the new one starts without them.
  void install_order_checks();
  Stations(const Stations&) = delete;
  Stations& operator=(const Stations&) = delete;

  // Loads stored orders, resumes each station's current order, hooks the devices. Call after the
  // DeviceSet is built (before or after its start()) and before print_queue.start().
  void start();
  // Unhooks the devices and drops pending work; no handler runs afterwards. Idempotent.
  void stop();

  // Applies one accepted OMS command; `done` runs once its event is committed (or refused).
  void handle_command(const commands::Command& command, CommandDone done = {});
  // A scan at `station` as if its scanner had read `code` (AIM identifier inside `code` or in
  // `aim_id`). False when the station does not exist (`done` is then never called).
  // `done`, when set, gets this scan's own verdict — the one shown for it, whatever other scans
  // (from the scanner, or queued behind it) show meanwhile — once, on the loop. A scan whose
  // processing ended without showing a verdict of its own (its order changed while its event was
  // stored) gets an "attention" verdict with code "no_verdict". Not called once the stations
  // stopped.
  [[nodiscard]] bool inject_scan(const std::string& station, const std::string& code,
                                 const std::string& aim_id = "", ScanDone done = {});
  // The picker declares line `line` (0-based) of the station's current order short (missing,
  // damaged): the OMS gets pick.short at once; the line is closed with what was picked.
  void declare_short(const std::string& station, int line, const std::string& reason, ActionDone done = {});

  // The "next order" button, for a station without a scanner at hand; it acts exactly as scanning
  // the order barcode would, through the same checks: a cancelled or held current order is set
  // aside (its items returned), and a free pack station starts packing the oldest picked order
  // waiting for it. Refused while the current order is still being worked on.
  void next_order(const std::string& station, ActionDone done);
  // Prints the current order's shipping label again: after a failed print, or when the printed
  // label is lost or damaged before its verify scan (the old label is voided: its SSCC is refused
  // from then on, and a new one is printed).
  void reprint_label(const std::string& station, ActionDone done);
  // The "New parcel" button of a pack station: acts as its `new_parcel_barcode` (docs/workflows.md,
  // "Parcels"): before the weight, the current order goes in several parcels and parcel 1 opens;
  // while a parcel is filled, it closes (weighed next) and another follows it.
  void new_parcel(const std::string& station, ActionDone done);

  std::vector<StationSnapshot> snapshots() const;
  std::optional<StationSnapshot> snapshot(const std::string& station) const;
  // Called with a copy of a station's snapshot after every change.
  void set_change_handler(ChangeHandler handler);

  // The stations' KPIs (kpi.hpp): windows, the last hour and totals since start.
  const KpiTracker& kpis() const;
  // Length of one KPI window.
  std::chrono::milliseconds kpi_interval() const;

  // The stored workflow state of an order as JSON (workflow_order.hpp), for tools and tests; the
  // record in stations.db for an order no longer in memory.
  std::optional<std::string> order_json(const std::string& order_id) const;
  // How many orders are in memory: the open ones, and shipped or cancelled ones until
  // StationsOptions::final_order_in_memory after they ended (for tests and diagnostics).
  std::size_t orders_in_memory() const;

  // --- Reload (daemon/app_reload.cpp) ---
  // Why the stations cannot take `next`, one sentence each; empty when they can. Refused: removing
  // a station that has an order (its current one, or one queued for that station) or a scan still
  // being recorded, and taking a step away from a station whose current order is at that step.
  [[nodiscard]] std::vector<std::string> reload_problems(const config::Config& next) const;
  // Before the DeviceSet stops, rebuilds or removes devices: every station lets go of its devices.
  void detach_devices();
  // After the Config these Stations were built from was replaced in place (the same object) by
  // one that reload_problems() accepted, and the DeviceSet was brought up to date: every station
  // takes its entry again (steps, devices, group, time limits, scan checks), new stations are
  // added and removed ones dropped, the devices are hooked again, a weighing in progress is asked
  // for again, and label templates are read afresh at the next label. Orders keep their step and
  // phase; queued orders go to the stations that may now take them.
  void reconfigure();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace wedge::station
