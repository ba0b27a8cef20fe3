#include "daemon/station/stations.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <utility>

#include "daemon/station/command_checks.hpp"
#include "daemon/station/station_impl.hpp"

namespace wedge::station {

namespace asio = boost::asio;

Stations::Impl::Impl(asio::any_io_executor loop_, const config::Config& config_, DeviceSet& devices_,
                     outbox::EventSink& sink, commands::CommandJournal& journal_, print::PrintQueue& print_queue_,
                     const std::string& state_dir, StationsOptions options_)
    : StationContext(std::move(loop_), config_, sink, print_queue_, state_dir + "/stations.db", std::move(options_)),
      devices(devices_),
      journal(journal_),
      label(*this, state_dir),
      checks(*this, state_dir + "/kpi.db"),
      housekeeping(*this, order_commands, journal_, state_dir + "/stations.db"),
      returns(*this) {
  drain_scans = [this](StationRt& st) { drain(st); };
  return_view = [this](const StationRt& st, StationSnapshot& s) { return returns.view(st, s); };
  order_commands.return_commands = [this](const commands::Command& command, CommandDone done) {
    returns.handle_command(command, std::move(done));
  };
  for (const auto& cfg : config.stations) {
    kpi.add_station(cfg.id);
    if (cfg.has_step("pack")) require_shipping = true;
    stations.emplace(cfg.id, make_station(cfg));
  }
}

StationRt Stations::Impl::make_station(const config::StationConfig& cfg) {
  StationRt st;
  st.cfg = &cfg;
  st.id = cfg.id;
  st.group = cfg.settings.get_string_or("group", "");
  if (!cfg.scanner.empty()) st.scanner = devices.scanner(cfg.scanner);
  if (!cfg.scale.empty()) st.scale = devices.scale(cfg.scale);
  if (!cfg.printer.empty()) st.printer = devices.printer(cfg.printer);
  if (!cfg.light.empty()) st.light = devices.light(cfg.light);
  st.retry_timer = std::make_unique<asio::steady_timer>(loop);
  return st;
}

void Stations::Impl::hook_devices(StationRt& st) {
  std::weak_ptr<Impl> weak = shared_from_this();
  const std::string station_id = st.id;
  if (st.scanner)
    st.scanner->set_scan_handler([weak, station_id](const drivers::scanner::ScanEvent& event) {
      auto self = weak.lock();
      if (!self || !self->running) return;
      auto it = self->stations.find(station_id);
      if (it == self->stations.end()) return;
      if (!event.ok) {
        self->refuse(it->second, self->current_order(it->second), PendingScan{},
                     "bad_scan", "The scan was not read cleanly: scan again.", event.reason);
        return;
      }
      self->on_scan(it->second, PendingScan{event.data, event.aim_id, {}, event.timestamp});
    });
  if (st.scale)
    st.scale->set_reading_handler([weak, station_id](const drivers::scale::Reading& reading) {
      auto self = weak.lock();
      if (!self || !self->running) return;
      auto it = self->stations.find(station_id);
      if (it != self->stations.end()) self->on_scale_reading(it->second, reading);
    });
}

void Stations::Impl::unhook_devices(StationRt& st) {
  if (st.scanner) st.scanner->set_scan_handler({});
  if (st.scale) st.scale->set_reading_handler({});
}

void Stations::Impl::start() {
  if (running) return;
  running = true;
  // Only open orders and those a station still holds: shipped and cancelled ones are read back
  // from stations.db when a command or scan names them (find_order, identify).
  next_rank = std::max(next_rank, store.max_rank() + 1);
  for (auto& record : store.load_open()) {
    auto id = record.order_id;
    orders.emplace(std::move(id), std::move(record));
  }
  returns.start();
  std::weak_ptr<Impl> weak = shared_from_this();
  for (auto& [id, st] : stations) hook_devices(st);
  print_queue.set_outcome_handler([weak](const print::JobOutcome& outcome) {
    auto self = weak.lock();
    if (self && self->running) self->label.on_outcome(outcome);
  });
  print_queue.set_wait_handler([weak](const print::PrinterWait& wait) {
    auto self = weak.lock();
    if (self && self->running) self->label.on_wait(wait);
  });
  // Resume: every order a station was working on becomes its current order again.
  for (auto& [order_id, order] : orders) {
    if (order.station.empty()) continue;
    auto it = stations.find(order.station);
    if (it == stations.end()) {
      spdlog::warn("order={} was at station {} which is no longer configured; it waits for another",
                   order_id, order.station);
      order.station.clear();
      continue;
    }
    if (order.status == OrderStatus::shipped) continue;
    it->second.current = order_id;
    spdlog::info("station={} order={} resumed at {}/{} ({})", order.station, order_id,
                 to_string(order.step), to_string(order.phase), to_string(order.status));
  }
  // A ship station that was scanning the parcels of an order goes on with that order.
  for (auto& [order_id, order] : orders)
    if (!order.loading_station.empty() && order.step == Step::ship && order.status == OrderStatus::active)
      if (auto it = stations.find(order.loading_station); it != stations.end()) it->second.loading = order_id;
  for (auto& [order_id, order] : orders)
    if (!order.final() && order.step == Step::pack && order.phase == Phase::label) label.resume(order);
  for (auto& [id, st] : stations) {
    auto* order = current_order(st);
    if (order && order->status == OrderStatus::active && order->phase == Phase::weigh) pack.arm_weigh(st);
  }
  for (const auto& [order_id, order] : orders) queue.index(order);
  assign_all();
  for (auto& [id, st] : stations) notify(st);
  housekeeping.start();
  checks.start();
}

void Stations::Impl::stop() {
  if (!running) return;
  running = false;
  checks.stop();
  housekeeping.stop();
  for (auto& [id, st] : stations) {
    unhook_devices(st);
    st.retry_timer->cancel();
    ++st.weigh_generation;
    st.pending.clear();
  }
  print_queue.set_outcome_handler({});
  print_queue.set_wait_handler({});
}

core::Status Stations::Impl::check_command(const commands::Command& command) {
  // Stopped (shutting down): the command is stored unchecked and meets the checks of the command
  // application when the next start replays it.
  if (!running) return {};
  if (commands::is_return_command(command.type)) return returns.check_command(command);
  return check_order_command(command, find_order(command.order_id));
}

void Stations::Impl::on_scale_reading(StationRt& st, const drivers::scale::Reading& reading) {
  const bool changed = !st.live.live_grams || std::fabs(*st.live.live_grams - reading.grams) >= 1.0 ||
                       st.live.stable != reading.stable;
  st.live.live_grams = reading.grams;
  st.live.stable = reading.stable;
  if (changed) notify(st);
}

// --- Stations ------------------------------------------------------------------------------------

Stations::Stations(asio::any_io_executor loop, const config::Config& config, DeviceSet& devices,
                   outbox::EventSink& events, commands::CommandJournal& journal, print::PrintQueue& print_queue,
                   const std::string& state_dir, StationsOptions options)
    : impl_(std::make_shared<Impl>(std::move(loop), config, devices, events, journal, print_queue, state_dir,
                                   std::move(options))) {
  install_order_checks();
}

void Stations::install_order_checks() {
  // The journal stores an order command only once the orders, which live here, allow it.
  impl_->journal.set_order_checks([impl = impl_.get()](const commands::Command& command) {
    return impl->check_command(command);
  });
}

Stations::~Stations() {
  impl_->journal.set_order_checks({});
  impl_->stop();
}

void Stations::start() { impl_->start(); }
void Stations::stop() { impl_->stop(); }

void Stations::handle_command(const commands::Command& command, CommandDone done) {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  const bool applies = impl_->running;
  impl_->order_commands.handle_command(command, std::move(done));
  // Recorded once applied (synchronously: the order is saved inside handle_command), so the
  // replay at the next start skips it.
  if (applies) impl_->housekeeping.mark_handled(command.id);
}

bool Stations::inject_scan(const std::string& station, const std::string& code, const std::string& aim_id,
                           ScanDone done) {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  auto it = impl_->stations.find(station);
  if (it == impl_->stations.end() || !impl_->running) return false;
  impl_->on_scan(it->second, PendingScan{code, aim_id, std::move(done)});
  return true;
}

void Stations::declare_short(const std::string& station, int line, const std::string& reason, ActionDone done) {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  impl_->pick.declare_short(station, line, reason, std::move(done));
}

void Stations::next_order(const std::string& station, ActionDone done) {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  impl_->actions.next_order(station, std::move(done));
}

void Stations::reprint_label(const std::string& station, ActionDone done) {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  impl_->actions.reprint(station, std::move(done));
}

void Stations::new_parcel(const std::string& station, ActionDone done) {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  impl_->actions.new_parcel(station, std::move(done));
}

std::vector<StationSnapshot> Stations::snapshots() const {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  std::vector<StationSnapshot> out;
  for (const auto& [id, st] : impl_->stations) out.push_back(impl_->build_snapshot(st));
  return out;
}

std::optional<StationSnapshot> Stations::snapshot(const std::string& station) const {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  auto it = impl_->stations.find(station);
  if (it == impl_->stations.end()) return std::nullopt;
  return impl_->build_snapshot(it->second);
}

const KpiTracker& Stations::kpis() const { return impl_->kpi; }
std::chrono::milliseconds Stations::kpi_interval() const { return impl_->checks.kpi_interval(); }

void Stations::set_change_handler(ChangeHandler handler) { impl_->change_handler = std::move(handler); }

std::vector<std::string> Stations::reload_problems(const config::Config& next) const {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  return impl_->reload_problems(next);
}

void Stations::detach_devices() {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  for (auto& [id, st] : impl_->stations) {
    impl_->unhook_devices(st);
    st.scanner = nullptr;
    st.scale = nullptr;
    st.printer = nullptr;
    st.light = nullptr;
  }
}

void Stations::reconfigure() {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  impl_->reconfigure();
}

std::size_t Stations::orders_in_memory() const { return impl_->orders.size(); }

std::optional<std::string> Stations::order_json(const std::string& order_id) const {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  auto it = impl_->orders.find(order_id);
  if (it == impl_->orders.end()) return impl_->store.load_text(order_id);
  return order_record_json(it->second);
}

}  // namespace wedge::station
