#include "daemon/station/stations.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <utility>

#include "daemon/config/schema_settings.hpp"
#include "daemon/print/schema.hpp"
#include "daemon/station/station_impl.hpp"

namespace wedge::station {

namespace asio = boost::asio;

namespace {

std::string printing_template_dir(const config::Config& config) {
  return config::SchemaSettings::of(config, "printing").get_string("template_dir");
}

std::unique_ptr<print::SsccGenerator> make_sscc(const config::Config& config, const std::string& state_dir) {
  const auto printing = config::SchemaSettings::of(config, "printing");
  // No printing section, or no company prefix: labels carry no SSCC.
  if (!printing.present() || !printing.values().has("gs1_company_prefix")) return nullptr;
  return std::make_unique<print::SsccGenerator>(print::sscc_options(printing.values(), state_dir));
}

// The overview and the /metrics summaries cover this many KPI windows (an hour of minutes).
constexpr std::size_t kKpiWindowsKept = 60;

std::chrono::milliseconds configured_kpi_interval(const config::Config& config) {
  return std::chrono::seconds(config::SchemaSettings::of(config, "kpi").get_int("interval_s"));
}

}  // namespace

std::string PendingScan::text() const {
  if (aim_id.empty() && data.size() >= 3 && data[0] == ']' && std::isalpha(static_cast<unsigned char>(data[1])))
    return data.substr(3);
  return data;
}

Stations::Impl::Impl(asio::any_io_executor loop_, const config::Config& config_, DeviceSet& devices_,
                     outbox::EventSink& sink, commands::CommandJournal& journal_, print::PrintQueue& print_queue_,
                     const std::string& state_dir,
                     StationsOptions options_)
    : loop(std::move(loop_)),
      config(config_),
      devices(devices_),
      print_queue(print_queue_),
      events(sink),
      options(std::move(options_)),
      store(state_dir + "/stations.db"),
      journal(journal_),
      stations_db_path(state_dir + "/stations.db"),
      sscc(make_sscc(config_, state_dir)),
      template_dir(options.template_dir.empty() ? printing_template_dir(config_) : options.template_dir),
      kpi(kKpiWindowsKept, now_ms()),
      kpi_interval(options.kpi_interval.count() > 0 ? options.kpi_interval : configured_kpi_interval(config_)),
      kpi_timer(std::make_unique<asio::steady_timer>(loop)),
      risk_timer(std::make_unique<asio::steady_timer>(loop)),
      purge_timer(std::make_unique<asio::steady_timer>(loop)),
      evict_timer(std::make_unique<asio::steady_timer>(loop)) {
  for (const auto& cfg : config.stations) {
    kpi.add_station(cfg.id);
    StationRt st;
    st.cfg = &cfg;
    st.id = cfg.id;
    st.group = cfg.settings.get_string_or("group", "");
    if (!cfg.scanner.empty()) st.scanner = devices.scanner(cfg.scanner);
    if (!cfg.scale.empty()) st.scale = devices.scale(cfg.scale);
    if (!cfg.printer.empty()) st.printer = devices.printer(cfg.printer);
    if (!cfg.light.empty()) st.light = devices.light(cfg.light);
    st.retry_timer = std::make_unique<asio::steady_timer>(loop);
    if (cfg.has_step("pack")) require_shipping = true;
    stations.emplace(cfg.id, std::move(st));
  }
}

std::int64_t Stations::Impl::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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
  std::weak_ptr<Impl> weak = shared_from_this();
  for (auto& [id, st] : stations) {
    const std::string station_id = id;
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
  print_queue.set_outcome_handler([weak](const print::JobOutcome& outcome) {
    auto self = weak.lock();
    if (self && self->running) self->on_print_outcome(outcome);
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
  for (auto& [order_id, order] : orders)
    if (!order.final() && order.step == Step::pack && order.phase == Phase::label) resume_label(order);
  for (auto& [id, st] : stations) {
    auto* order = current_order(st);
    if (order && order->status == OrderStatus::active && order->phase == Phase::weigh) arm_weigh(st);
  }
  for (const auto& [order_id, order] : orders) index_queue(order);
  assign_all();
  for (auto& [id, st] : stations) notify(st);
  replay_journal();
  purge_final_orders();
  arm_eviction();
  arm_kpi_window();
  arm_risk_check();
}

void Stations::Impl::stop() {
  if (!running) return;
  running = false;
  stopped = true;
  kpi_timer->cancel();
  risk_timer->cancel();
  purge_timer->cancel();
  evict_timer->cancel();
  for (auto& [id, st] : stations) {
    if (st.scanner) st.scanner->set_scan_handler({});
    if (st.scale) st.scale->set_reading_handler({});
    st.retry_timer->cancel();
    ++st.weigh_generation;
    st.pending.clear();
  }
  print_queue.set_outcome_handler({});
}

OrderRecord* Stations::Impl::find_order(const std::string& id) {
  if (auto it = orders.find(id); it != orders.end()) return &it->second;
  // A shipped or cancelled order that left memory (evict_final_orders): back until the next sweep.
  auto stored = store.load(id);
  if (!stored) return nullptr;
  auto& order = orders.emplace(id, std::move(*stored)).first->second;
  index_queue(order);  // an ended order: never queued, but the index stays exact by construction
  return &order;
}

void Stations::Impl::arm_eviction() {
  std::weak_ptr<Impl> weak = shared_from_this();
  evict_timer->expires_after(options.final_order_in_memory);
  evict_timer->async_wait([weak](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || !self->running) return;
    self->evict_final_orders();
    self->arm_eviction();
  });
}

void Stations::Impl::evict_final_orders() {
  const auto cutoff = now_ms() - options.final_order_in_memory.count();
  std::size_t evicted = 0;
  for (auto it = orders.begin(); it != orders.end();) {
    const auto& order = it->second;
    // Every change of an order is saved as it happens, so the stored record is the same one. A
    // label still printing keeps its order here: on_print_outcome finds the order by its job.
    const bool idle = order.final() && order.station.empty() && order.ended_unix_ms < cutoff &&
                      order.label.state != LabelState::printing && !held_by_station(it->first);
    if (!idle) {
      ++it;
      continue;
    }
    unindex_queue(it->first);
    it = orders.erase(it);
    ++evicted;
  }
  if (evicted > 0) spdlog::debug("{} ended orders left memory (kept in stations.db)", evicted);
}

OrderRecord* Stations::Impl::current_order(StationRt& st) {
  return st.current.empty() ? nullptr : find_order(st.current);
}

StationRt* Stations::Impl::station_of(const OrderRecord& order) {
  if (order.station.empty()) return nullptr;
  auto it = stations.find(order.station);
  return it == stations.end() ? nullptr : &it->second;
}

namespace {
bool is_queued(const OrderRecord& order) {
  return order.status == OrderStatus::active && order.step == Step::pick && order.station.empty();
}
}  // namespace

void Stations::Impl::index_queue(const OrderRecord& order) {
  const auto it = queued_index.find(order.order_id);
  const bool queued = is_queued(order);
  if (it != queued_index.end() && queued && it->second == order.target) return;  // unchanged
  unindex_queue(order.order_id);
  if (!queued) return;
  queued_index.emplace(order.order_id, order.target);
  ++queued_by_target[order.target];
}

void Stations::Impl::unindex_queue(const std::string& order_id) {
  const auto it = queued_index.find(order_id);
  if (it == queued_index.end()) return;
  if (--queued_by_target[it->second] == 0) queued_by_target.erase(it->second);
  queued_index.erase(it);
}

std::int64_t Stations::Impl::queued_for(const StationRt& st) const {
  auto count = [this](const std::string& target) {
    const auto it = queued_by_target.find(target);
    return it == queued_by_target.end() ? std::int64_t{0} : it->second;
  };
  return count(st.id) + (!st.group.empty() && st.group != st.id ? count(st.group) : 0);
}

void Stations::Impl::verify_queue_index() {
  std::unordered_map<std::string, std::string> index;
  std::unordered_map<std::string, std::int64_t> by_target;
  for (const auto& [id, order] : orders) {
    if (!is_queued(order)) continue;
    index.emplace(id, order.target);
    ++by_target[order.target];
  }
  if (index == queued_index && by_target == queued_by_target) return;
  spdlog::error("station queue counts were off ({} queued orders counted, {} indexed): repaired", index.size(),
                queued_index.size());
  queued_index = std::move(index);
  queued_by_target = std::move(by_target);
  for (auto& [id, st] : stations) notify(st);
}

bool Stations::Impl::matches(const StationRt& st, const std::string& target) const {
  return st.id == target || (!st.group.empty() && st.group == target);
}

void Stations::Impl::save(const OrderRecord& order) {
  index_queue(order);
  std::string error;
  if (!store.save(order, error))
    spdlog::error("order={} progress not saved: {}", order.order_id, error);
}

CheckOptions Stations::Impl::check_options(const StationRt& st) const {
  CheckOptions o;
  o.today = options.today.value_or(today_utc());
  o.default_min_shelf_life_days = static_cast<int>(st.cfg->settings.get_int_or("min_shelf_life_days", 0));
  const auto& settings = st.cfg->settings;
  auto flag = [&settings](std::string_view key) { return settings.has(key) && settings.get_bool(key); };
  o.accept_bracketed_text = flag("accept_bracketed_text");
  o.tolerate_trailing_gs = flag("gs1_tolerate_trailing_gs");
  o.sscc_on_other_symbol = flag("gs1_sscc_on_other_symbol");
  return o;
}

void Stations::Impl::signal(StationRt& st, std::string_view pattern) {
  if (st.light) st.light->signal(pattern);
}

void Stations::Impl::show(StationRt& st, std::string_view verdict, std::string code, std::string message,
                          const std::string& barcode, std::vector<std::string> locations) {
  st.last_scan.barcode = barcode;
  st.last_scan.verdict = std::string(verdict);
  st.last_scan.code = std::move(code);
  st.last_scan.message = std::move(message);
  st.last_scan.locations = std::move(locations);
  st.last_scan.at_unix_ms = now_ms();
  ++st.last_scan.seq;
  // Verdicts about a scan carry its barcode; the others (weight, label, short pick, commands) do
  // not — except a scan that could not be read at all, which still counts as a refused scan.
  if (!barcode.empty() || st.last_scan.code == "bad_scan") kpi.scan(st.id, verdict, st.last_scan.code);
  if (!barcode.empty() && st.scan_received) {
    const auto received = *std::exchange(st.scan_received, std::nullopt);
    kpi.verdict_latency(st.id, std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
  }
  signal(st, verdict == "accepted" ? "accepted" : verdict == "refused" ? "rejected" : "attention");
  notify(st);
  if (!barcode.empty() && st.scan_done) std::exchange(st.scan_done, {})(st.last_scan);
}

void Stations::Impl::commit(const std::string& station, const std::string& order_id, std::string_view type,
                            Json data, Then ok, Refused refused) {
  std::weak_ptr<Impl> weak = shared_from_this();
  events.emit(station, order_id, type, data,
              [weak, ok = std::move(ok), refused = std::move(refused), station, order_id,
               fact = kpi_fact(type, data)](const outbox::AppendResult& result) {
                auto self = weak.lock();
                if (!self || !self->running) return;
                if (result) {
                  self->observe(station, order_id, fact);
                  if (ok) ok();
                } else if (refused) {
                  refused(result);
                }
              });
}

void Stations::Impl::assign_all() {
  for (auto& [id, st] : stations) assign_next(st);
}

void Stations::Impl::assign_next(StationRt& st) {
  if (!running || !st.current.empty() || !st.has("pick")) return;
  OrderRecord* best = nullptr;
  for (auto& [id, order] : orders) {
    if (order.status != OrderStatus::active || order.step != Step::pick || !order.station.empty()) continue;
    if (!matches(st, order.target)) continue;
    if (!best || order.rank < best->rank) best = &order;
  }
  if (!best) return;
  best->station = st.id;
  st.current = best->order_id;
  st.attention.clear();
  auto& times = best->times["pick"];
  const bool first = times.started_unix_ms == 0;
  if (first) times.started_unix_ms = now_ms();
  save(*best);
  spdlog::info("station={} order={} picking", st.id, best->order_id);
  Json data = order_position(*best);
  data["lines"] = static_cast<std::int64_t>(best->pick_list.lines.size());
  data["resumed"] = !first;
  commit(st.id, best->order_id, event::kPickStarted, std::move(data), {});
  notify(st);
}

void Stations::Impl::free_station(StationRt& st) {
  if (!st.current.empty()) st.last_order = st.current;
  st.current.clear();
  ++st.weigh_generation;
  st.retry_timer->cancel();
  st.attention.clear();
  assign_next(st);
  notify(st);
}

void Stations::Impl::on_scale_reading(StationRt& st, const drivers::scale::Reading& reading) {
  const bool changed = !st.live.live_grams || std::fabs(*st.live.live_grams - reading.grams) >= 1.0 ||
                       st.live.stable != reading.stable;
  st.live.live_grams = reading.grams;
  st.live.stable = reading.stable;
  if (changed) notify(st);
}

StationSnapshot Stations::Impl::build_snapshot(const StationRt& st) const {
  StationSnapshot s;
  s.station = st.id;
  s.steps = st.cfg->steps;
  s.last_scan = st.last_scan;
  s.weight.live_grams = st.live.live_grams;
  s.weight.stable = st.live.stable;
  s.version = st.version;
  s.queued_orders = queued_for(st);
  s.label_state = "none";
  const auto it = st.current.empty() ? orders.end() : orders.find(st.current);
  if (it == orders.end()) {
    if (!st.attention.empty()) s.prompt = st.attention;
    else if (st.has("pick")) s.prompt = "Waiting for an order.";
    else if (st.has("pack")) s.prompt = "Scan an order or tote barcode.";
    else s.prompt = "Scan a parcel to ship it.";
    return s;
  }
  const auto& order = it->second;
  s.order_id = order.order_id;
  s.step = std::string(to_string(order.step));
  s.phase = std::string(to_string(order.phase));
  s.status = std::string(to_string(order.status));
  s.lines_total = static_cast<std::int64_t>(order.pick_list.lines.size());
  for (std::size_t i = 0; i < order.pick_list.lines.size(); ++i)
    if (order.pick.lines[i].picked >= order.pick_list.lines[i].qty || order.short_lines.contains(static_cast<int>(i)))
      ++s.lines_done;
  if (int line = order.next_line(); line >= 0 && order.step == Step::pick) {
    const auto& l = order.pick_list.lines[static_cast<std::size_t>(line)];
    s.next_line = NextLine{line, l.sku, l.location, l.qty - order.pick.lines[static_cast<std::size_t>(line)].picked};
  }
  if (order.step == Step::pack) {
    s.weight.expected_grams = order.pick_list.expected_weight_grams();
    s.weight.allowed_deviation_grams = order.pick_list.allowed_deviation_grams();
  }
  s.weight.measured_grams = order.measured_grams;
  s.label_state = std::string(to_string(order.label.state));
  s.label_sscc = order.label.sscc;
  s.label_error = order.label.error;
  if (order.status != OrderStatus::active) {
    s.prompt = blocked_message(order) + " Scan the order barcode when done.";
  } else if (!st.attention.empty()) {
    s.prompt = st.attention;
  } else {
    switch (order.phase) {
      case Phase::picking:
        s.prompt = s.next_line ? "Pick " + std::to_string(s.next_line->qty_left) + " x " + s.next_line->sku +
                                     (s.next_line->location.empty() ? "" : " at " + s.next_line->location) + "."
                               : "Picking complete.";
        break;
      case Phase::identify:
        s.prompt = "Scan the order or tote barcode of " + order.order_id + ".";
        break;
      case Phase::weigh:
        s.prompt = "Put the parcel on the scale.";
        break;
      case Phase::label:
        s.prompt = "Printing the shipping label.";
        break;
      case Phase::label_failed:
        s.prompt = "Label failed (" + order.label.error + "): scan the order barcode to print it again.";
        break;
      case Phase::verify:
        s.prompt = "Scan the shipping label to verify it.";
        break;
      case Phase::shipped:
        s.prompt = "Shipped.";
        break;
    }
  }
  return s;
}

void Stations::Impl::notify(StationRt& st) {
  ++st.version;
  if (change_handler) change_handler(build_snapshot(st));
}

Stations::Impl::Json order_position(const OrderRecord& order) {
  return Stations::Impl::Json{{"step", to_string(order.step)}, {"phase", to_string(order.phase)}};
}

// --- Stations ------------------------------------------------------------------------------------

Stations::Stations(asio::any_io_executor loop, const config::Config& config, DeviceSet& devices,
                   outbox::EventSink& events, commands::CommandJournal& journal, print::PrintQueue& print_queue,
                   const std::string& state_dir, StationsOptions options)
    : impl_(std::make_shared<Impl>(std::move(loop), config, devices, events, journal, print_queue, state_dir,
                                   std::move(options))) {}

Stations::~Stations() { impl_->stop(); }

void Stations::start() { impl_->start(); }
void Stations::stop() { impl_->stop(); }

void Stations::handle_command(const commands::Command& command, CommandDone done) {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  const bool applies = impl_->running;
  impl_->handle_command(command, std::move(done));
  // Recorded once applied (synchronously: the order is saved inside handle_command), so the
  // replay at the next start skips it.
  if (applies) impl_->mark_handled(command.id);
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
  impl_->do_declare_short(station, line, reason, std::move(done));
}

void Stations::next_order(const std::string& station, ActionDone done) {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  impl_->do_next_order(station, std::move(done));
}

void Stations::reprint_label(const std::string& station, ActionDone done) {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  impl_->do_reprint(station, std::move(done));
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
std::chrono::milliseconds Stations::kpi_interval() const { return impl_->kpi_interval; }

void Stations::set_change_handler(ChangeHandler handler) { impl_->change_handler = std::move(handler); }

std::size_t Stations::orders_in_memory() const { return impl_->orders.size(); }

std::optional<std::string> Stations::order_json(const std::string& order_id) const {
  WEDGE_ASSERT_ON_LOOP(impl_->loop_guard);
  auto it = impl_->orders.find(order_id);
  if (it == impl_->orders.end()) return impl_->store.load_text(order_id);
  return order_record_json(it->second);
}

}  // namespace wedge::station
