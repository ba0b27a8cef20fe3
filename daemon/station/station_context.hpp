// Internal to the stations module: what a workflow step may touch, and the operations every step
// shares. A step (PickStep, the pack and ship steps, the command application, …) is a small class
// holding a StationContext&; a new step (returns, parcels) is a new such class, not new methods on
// Stations::Impl, which keeps only the scan routing and the lifetimes (station_impl.hpp).
// Loop thread only: nothing here locks.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/station/events.hpp"
#include "daemon/station/order_store.hpp"
#include "daemon/station/parcel_weight.hpp"
#include "daemon/station/serial_registry.hpp"
#include "daemon/station/stations.hpp"
#include "daemon/station/workflow_order.hpp"

namespace wedge::station {

struct PendingScan {
  std::string data;    // as scanned (AIM identifier stripped by the driver, or still inside)
  std::string aim_id;  // as the scanner reported it
  Stations::ScanDone done{};  // an injected scan's verdict handler (inject_scan); empty otherwise
  // When the scanner read it (or the HTTP inject arrived): the start of scan → verdict.
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
  bool new_parcel = false;  // the screen's "New parcel" button (operator_actions.hpp), not a barcode
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
  std::string printer_fault;  // what the label of this station's order waits for (print/printer_prompt.hpp)
  std::string last_order; // the order the station last finished (shown while free)
  std::string loading;    // ship: the order in several parcels whose parcels it is scanning
  std::int64_t version = 0;

  bool has(std::string_view step) const { return cfg->has_step(step); }
};

// Queued orders (active, step pick, at no station) by target, for the snapshots' queue counts: a
// walk over every order per snapshot cost 5 points of CPU with 2,000 queued orders
// (station-bench --queued 40). StationContext::save() keeps it after every change of an order
// (every change is saved as it happens), and so do the few places that add or drop orders in
// memory; the risk check recounts every second and repairs (and logs) any difference.
class QueueIndex {
 public:
  // Brings one order's entry up to date / drops it.
  void index(const OrderRecord& order);
  void unindex(const std::string& order_id);
  [[nodiscard]] std::int64_t queued_for(const StationRt& st) const;
  // Recounts from every order; false (after logging and repairing the index) on a difference.
  [[nodiscard]] bool verify(const std::map<std::string, OrderRecord>& orders);

 private:
  std::unordered_map<std::string, std::string> target_of_;  // order id -> its target
  std::unordered_map<std::string, std::int64_t> by_target_;
};

// What a committed event adds to the KPIs, read from its data before it is sent.
struct KpiFact {
  std::string type;
  std::int64_t number = 0;  // units picked, or the step's duration_ms
  std::string step;         // intercepted_step of a cancellation
};

class StationContext {
 public:
  using Json = boost::json::object;
  using Then = std::function<void()>;
  using Refused = std::function<void(const outbox::AppendResult&)>;

  StationContext(boost::asio::any_io_executor loop, const config::Config& config, outbox::EventSink& sink,
                 print::PrintQueue& print_queue, const std::string& stations_db, StationsOptions options);

  // --- what a step may touch ---
  boost::asio::any_io_executor loop;
  const config::Config& config;
  print::PrintQueue& print_queue;
  EventEmitter events;
  StationsOptions options;
  OrderStore store;
  SerialRegistry serials{store.connection()};  // in stations.db, beside the orders
  std::map<std::string, OrderRecord> orders;
  std::map<std::string, StationRt> stations;
  QueueIndex queue;
  // Orders at risk now, oldest first: the risk check (order_risk.hpp) rebuilds it every pass, the
  // snapshots pick each station's from it (the list is short; the orders are many).
  std::vector<AtRiskOrder> at_risk;
  KpiTracker kpi;
  std::int64_t next_rank = 1;
  bool require_shipping = false;  // some station packs, so orders get a shipping label
  bool running = false;
  Stations::ChangeHandler change_handler;
  // Set by Stations::Impl: fills the snapshot of a returns station (ReturnStep::view); true when
  // the snapshot is complete.
  std::function<bool(const StationRt&, StationSnapshot&)> return_view;
  // Set by Stations::Impl: processes the station's next waiting scan (the scan routing).
  std::function<void(StationRt&)> drain_scans;

  // --- shared operations ---
  // The order a scan names: its order id (Code 128 on the pick list or tote label), or the GS1 (00)
  // SSCC of its shipping label, current or voided (docs/workflows.md).
  struct Identified {
    OrderRecord* order = nullptr;
    bool voided_label = false;  // the scan is a label of it that was voided
    std::string sscc;
    std::int64_t parcel = 0;    // the parcel whose current label was scanned (orders in several parcels)
  };
  Identified identify(const PendingScan& scan);
  // An ended order no longer in memory whose current label (SSCC or tracking) is `label`, read back
  // from stations.db into `id`.
  void from_store(Identified& id, const std::string& label);
  [[nodiscard]] std::int64_t now_ms() const;
  // How long ended orders stay in stations.db: options.final_order_retention, else the
  // configuration's orders.keep_ended_hours.
  [[nodiscard]] std::chrono::milliseconds final_order_retention() const;
  // The order in memory, else the stored one (read back into memory); nullptr when unknown.
  OrderRecord* find_order(const std::string& id);
  OrderRecord* current_order(StationRt& st);
  StationRt* station_of(const OrderRecord& order);
  [[nodiscard]] bool matches(const StationRt& st, const std::string& target) const;
  // Whether any station of this gateway does `step`.
  [[nodiscard]] bool any_station_has(std::string_view step) const;
  // Saves the order to stations.db (every change is saved as it happens) and re-indexes its queue.
  void save(const OrderRecord& order);
  // `save_progress` (save() or save_pick()) and `serials_change` (a claim of the unit just picked,
  // a release of units put back) in one stations.db transaction, so the registry agrees with the
  // order's progress after a crash. A failure is logged; the order is saved all the same (its
  // progress matters more).
  void with_serials(const OrderRecord& order, const std::function<core::Status()>& serials_change,
                    const std::function<void()>& save_progress);
  // with_serials() around save().
  void save_with_serials(const OrderRecord& order, const std::function<core::Status()>& serials_change);
  // save() for an accepted item scan that record_pick() has just counted: stores only the pick
  // (OrderStore::save_pick), so a scan costs the same however much the order holds.
  void save_pick(const OrderRecord& order, const ScanDecision& decision);
  [[nodiscard]] CheckOptions check_options(const StationRt& st);  // its serial_owner reads the registry
  // What the order's parcel should weigh at this station (its `weight_basis`, default picked).
  [[nodiscard]] ParcelWeight expected_weight(const StationRt& st, const OrderRecord& order) const;
  [[nodiscard]] StationSnapshot build_snapshot(const StationRt& st) const;
  // Whether the station's screen lists this order at risk (its own, or one it could take).
  [[nodiscard]] bool shows_at_risk(const StationRt& st, const AtRiskOrder& order) const;
  void notify(StationRt& st);
  void signal(StationRt& st, std::string_view pattern);
  // Shows a verdict at once (light + snapshot).
  void show(StationRt& st, std::string_view verdict, std::string code, std::string message,
            const std::string& barcode, std::vector<std::string> locations = {});
  // Appends an event; `ok` runs after the commit, `refused` when the outbox refused it. Neither
  // runs once the stations stopped or the context is gone (a weak token guards them), so the
  // callbacks may capture the step's `this`.
  void commit(const std::string& station, const std::string& order_id, std::string_view type, Json data,
              Then ok, Refused refused = {});
  // For a step's timer callbacks: true while the context exists and the stations run.
  [[nodiscard]] std::function<bool()> alive() const;
  void assign_all();
  void assign_next(StationRt& st);
  void free_station(StationRt& st);
  // Ends the station's wait for a commit and processes its next scan.
  void finish_scan(const std::string& station);
  // Ends the processed scan's wait for its verdict: "no_verdict" if show() did not answer it.
  void settle_scan(StationRt& st);
  void refuse(StationRt& st, const OrderRecord* order, const PendingScan& scan, std::string code,
              std::string message, std::string detail = {}, Json extra = {});
  void refuse_blocked(StationRt& st, const OrderRecord& order, const PendingScan& scan);
  void refuse_outbox(StationRt& st, const PendingScan& scan, const outbox::AppendResult& result);
  [[nodiscard]] std::string blocked_message(const OrderRecord& order) const;
  // The KPI station for an event's station: itself when configured, else "" (gateway level).
  [[nodiscard]] std::string kpi_station(const std::string& station) const;

 private:
  void observe(const std::string& station, const std::string& order_id, const KpiFact& fact);

  std::shared_ptr<int> token_ = std::make_shared<int>(0);  // expires with the context
};

// What an event adds to the KPIs (station_kpi.cpp).
[[nodiscard]] KpiFact kpi_fact(std::string_view type, const boost::json::object& data);
// Adds a committed event's fact to the tracker (station_kpi.cpp).
void observe_kpi(StationContext& ctx, const std::string& station_id, const std::string& order_id,
                 const KpiFact& fact);

// The order's step and phase, the start of most events' data.
boost::json::object order_position(const OrderRecord& order);
boost::json::array string_array(const std::vector<std::string>& items);

}  // namespace wedge::station
