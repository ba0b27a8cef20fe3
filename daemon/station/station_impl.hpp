// Internal to the stations module: the state behind Stations (stations.hpp) shared by its source
// files — stations.cpp (lifecycle, devices, snapshots, queueing), station_commands.cpp (OMS
// commands), station_pick.cpp (scan dispatch and picking), workflow_pack.cpp (pack and ship).
// Loop thread only.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/core/loop_guard.hpp"
#include "daemon/print/sscc.hpp"
#include "daemon/print/zpl_template.hpp"
#include "daemon/station/events.hpp"
#include "daemon/station/order_store.hpp"
#include "daemon/station/stations.hpp"
#include "daemon/station/workflow_order.hpp"

namespace wedge::station {

struct PendingScan {
  std::string data;    // as scanned (AIM identifier stripped by the driver, or still inside)
  std::string aim_id;  // as the scanner reported it
  Stations::ScanDone done{};  // an injected scan's verdict handler (inject_scan); empty otherwise
  // When the scanner read it (or the HTTP inject arrived): the start of scan → verdict.
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
  std::string text() const;  // data without a leading AIM identifier
};

struct StationRt {
  const config::StationConfig* cfg = nullptr;
  std::string id;
  std::string group;
  drivers::scanner::Scanner* scanner = nullptr;
  drivers::scale::Scale* scale = nullptr;
  drivers::Printer* printer = nullptr;
  drivers::light::Light* light = nullptr;
  std::string current;  // order id the station works on, "" when free
  std::deque<PendingScan> pending;
  bool busy = false;  // a scan waits for its event's commit
  // The verdict handler of the scan being processed (drain() takes it from the scan). Scans of a
  // station are processed one at a time and only that scan shows verdicts that carry a barcode
  // (weights, labels and commands show none), so show() hands it the first such verdict.
  Stations::ScanDone scan_done;
  // When the scan being processed was received; show() observes scan → verdict once per scan.
  std::optional<std::chrono::steady_clock::time_point> scan_received;
  std::uint64_t weigh_generation = 0;
  std::unique_ptr<boost::asio::steady_timer> retry_timer;
  LastScan last_scan;
  WeightView live;        // live_grams / stable from the scale
  std::string attention;  // device trouble shown in the prompt (scale fault, no stable weight)
  std::string last_order; // the order the station last finished (shown while free)
  std::int64_t version = 0;

  bool has(std::string_view step) const { return cfg->has_step(step); }
};

struct Stations::Impl : std::enable_shared_from_this<Stations::Impl> {
  using Json = boost::json::object;
  using Then = std::function<void()>;
  using Refused = std::function<void(const outbox::AppendResult&)>;

  Impl(boost::asio::any_io_executor loop, const config::Config& config, DeviceSet& devices,
       outbox::EventSink& sink, commands::CommandJournal& journal, print::PrintQueue& print_queue,
       const std::string& state_dir, StationsOptions options);

  core::LoopGuard loop_guard;  // the public entry points assert they run on the loop
  boost::asio::any_io_executor loop;
  const config::Config& config;
  DeviceSet& devices;
  print::PrintQueue& print_queue;
  EventEmitter events;
  StationsOptions options;
  OrderStore store;
  commands::CommandJournal& journal;  // commands.db's owner: the stations only post to it
  std::string stations_db_path;  // <state_dir>/stations.db (the store's file)
  std::unique_ptr<print::SsccGenerator> sscc;
  std::string template_dir;
  std::map<std::string, print::ZplTemplate> templates;
  std::map<std::string, OrderRecord> orders;
  std::map<std::string, StationRt> stations;
  std::int64_t next_rank = 1;
  bool require_shipping = false;
  KpiTracker kpi;
  std::chrono::milliseconds kpi_interval;
  std::unique_ptr<boost::asio::steady_timer> kpi_timer;
  std::unique_ptr<boost::asio::steady_timer> risk_timer;
  std::unique_ptr<boost::asio::steady_timer> purge_timer;
  std::unique_ptr<boost::asio::steady_timer> evict_timer;
  bool running = false;
  bool stopped = false;
  Stations::ChangeHandler change_handler;
  // Queued orders (active, step pick, at no station) by target, for the snapshots' queue counts: a
  // walk over every order per snapshot cost 5 points of CPU with 2,000 queued orders
  // (station-bench --queued 40). Kept by index_queue(), which save() calls after every change of
  // an order (every change is saved as it happens), and by the few places that add or drop orders
  // in memory; the risk check recounts every second and repairs (and logs) any difference.
  std::unordered_map<std::string, std::string> queued_index;  // order id -> its target
  std::unordered_map<std::string, std::int64_t> queued_by_target;
  // purge_command_journal() runs on the command journal's thread, the only writer of commands.db,
  // off the loop (deleting an hour of ended orders from commands.db took ~150 ms at 40,000 orders a
  // day), one purge at a time. The task shares only this flag (and a weak pointer back).
  std::shared_ptr<std::atomic<bool>> journal_purge_running = std::make_shared<std::atomic<bool>>(false);
  // Loop only. Command ids marked applied while a purge looks for marks to drop: a command id reused
  // after its first command left the journal is applied and marked again, and that new mark must
  // survive the purge's list (forget_stale_marks).
  bool tracking_marks = false;
  std::unordered_set<std::string> marked_during_purge;

  // --- common (stations.cpp) ---
  // Records that a command was applied (the replay at the next start skips it).
  void mark_handled(const std::string& command_id);
  // Drops the applied-command marks the journal purge found stale, except those marked since.
  void forget_stale_marks(std::vector<std::string> ids);
  // Drops ids[from…] a chunk per turn of the loop.
  void forget_marks_from(std::shared_ptr<const std::vector<std::string>> ids, std::size_t from);
  // The queue index (see queued_index): brings one order's entry up to date / drops it.
  void index_queue(const OrderRecord& order);
  void unindex_queue(const std::string& order_id);
  std::int64_t queued_for(const StationRt& st) const;
  // Recounts the queue from every order; on a difference logs it, fixes the index and notifies.
  void verify_queue_index();
  void start();
  void stop();
  // Applies the commands stored in commands.db that the stations never applied (a crash between
  // the two stores); see command_journal.hpp.
  void replay_journal();
  // Forgets final orders that ended longer than options.final_order_retention ago, and then what
  // commands.db holds of orders stations.db no longer has (purge_command_journal); then hourly.
  void purge_final_orders();
  // Every options.final_order_in_memory: shipped and cancelled orders that ended longer ago than
  // that, that no station holds and whose label is not printing leave memory (they stay in
  // stations.db). Whatever looks an order up goes through find_order, which reads them back.
  void arm_eviction();
  void evict_final_orders();
  bool held_by_station(const std::string& order_id) const;
  // The order in memory, else the stored one (read back into memory); nullptr when unknown.
  OrderRecord* find_order(const std::string& id);
  OrderRecord* current_order(StationRt& st);
  StationRt* station_of(const OrderRecord& order);
  bool matches(const StationRt& st, const std::string& target) const;
  void save(const OrderRecord& order);
  CheckOptions check_options(const StationRt& st) const;
  StationSnapshot build_snapshot(const StationRt& st) const;
  void notify(StationRt& st);
  void signal(StationRt& st, std::string_view pattern);
  // Shows a verdict at once (light + snapshot).
  void show(StationRt& st, std::string_view verdict, std::string code, std::string message,
            const std::string& barcode, std::vector<std::string> locations = {});
  // Appends an event; `ok` runs after the commit, `refused` when the outbox refused it. Neither
  // runs once the stations stopped.
  void commit(const std::string& station, const std::string& order_id, std::string_view type,
              Json data, Then ok, Refused refused = {});
  void assign_all();
  void assign_next(StationRt& st);
  void free_station(StationRt& st);
  std::int64_t now_ms() const;
  void on_scale_reading(StationRt& st, const drivers::scale::Reading& reading);

  // --- scans (station_pick.cpp) ---
  void on_scan(StationRt& st, PendingScan scan);
  void drain(StationRt& st);
  // Handles one scan; true when it waits for a commit (finish_scan() ends it).
  bool process(StationRt& st, const PendingScan& scan);
  void finish_scan(const std::string& station);
  // Ends the processed scan's wait for its verdict: "no_verdict" if show() did not answer it.
  void settle_scan(StationRt& st);
  void refuse(StationRt& st, const OrderRecord* order, const PendingScan& scan, std::string code,
              std::string message, std::string detail = {}, Json extra = {});
  void refuse_blocked(StationRt& st, const OrderRecord& order, const PendingScan& scan);
  void refuse_outbox(StationRt& st, const PendingScan& scan, const outbox::AppendResult& result);
  bool pick_scan(StationRt& st, OrderRecord& order, const PendingScan& scan);
  bool set_aside(StationRt& st, OrderRecord& order, const PendingScan& scan);
  // Closes the pick step once every line is picked or short: pick.completed, then the order moves
  // to pack (here if the station packs, else waiting for a pack station).
  void complete_pick(StationRt& st, OrderRecord& order, Then then);
  void do_declare_short(const std::string& station, int line, const std::string& reason,
                        Stations::ActionDone done);
  std::string blocked_message(const OrderRecord& order) const;

  // --- operator buttons (station_actions.cpp) ---
  void do_next_order(const std::string& station, Stations::ActionDone done);
  void do_reprint(const std::string& station, Stations::ActionDone done);

  // --- pack and ship (workflow_pack.cpp) ---
  struct Identified {
    OrderRecord* order = nullptr;
    bool voided_label = false;  // the scan is a label of it that was voided
    std::string sscc;
  };
  Identified identify(const PendingScan& scan);
  bool free_station_scan(StationRt& st, const PendingScan& scan);
  bool pack_scan(StationRt& st, OrderRecord& order, const PendingScan& scan);
  bool start_pack(StationRt& st, OrderRecord& order, const PendingScan& scan);
  void arm_weigh(StationRt& st, std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  void on_weight(const std::string& station, const std::string& order_id, double grams);
  void print_label(StationRt* st, OrderRecord& order);
  void label_failed(OrderRecord& order, const std::string& reason);
  void on_print_outcome(const print::JobOutcome& outcome);
  void void_label(OrderRecord& order, const std::string& reason);
  bool verify_scan(StationRt& st, OrderRecord& order, const PendingScan& scan, const Identified& id);
  bool ship_scan(StationRt& st, OrderRecord& order, const PendingScan& scan);
  void resume_label(OrderRecord& order);

  // --- KPIs and time limits (station_kpi.cpp) ---
  // What a committed event adds to the KPIs, read from its data before it is sent.
  struct KpiFact {
    std::string type;
    std::int64_t number = 0;  // units picked, or the step's duration_ms
    std::string step;         // intercepted_step of a cancellation
  };
  static KpiFact kpi_fact(std::string_view type, const Json& data);
  void observe(const std::string& station, const std::string& order_id, const KpiFact& fact);
  // The KPI station for an event's station: itself when configured, else "" (gateway level).
  std::string kpi_station(const std::string& station) const;
  void arm_kpi_window();
  void publish_kpis();
  void arm_risk_check();
  void check_time_limits();
  TimeLimits limits_for(const OrderRecord& order) const;

  // --- commands (station_commands.cpp) ---
  void handle_command(const commands::Command& command, Stations::CommandDone done);
  void on_pick_list(const commands::Command& command, Stations::CommandDone done);
  void on_cancel_or_hold(const commands::Command& command, bool cancel, Stations::CommandDone done);
  void on_release(const commands::Command& command, Stations::CommandDone done);
  void on_update(const commands::Command& command, Stations::CommandDone done);
};

// Reason text of an optional {"reason": "..."} command body.
std::string command_reason(const std::string& data_json);
Stations::Impl::Json order_position(const OrderRecord& order);

}  // namespace wedge::station
