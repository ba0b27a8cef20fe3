// StationContext (station_context.hpp): the shared operations of the workflow steps — orders in
// memory and stations.db, verdicts on the station, events through the outbox, assignment.
#include "daemon/station/station_context.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "daemon/gs1/gs1.hpp"
#include "daemon/station/parcels.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

// The overview and the /metrics summaries cover this many KPI windows (an hour of minutes).
constexpr std::size_t kKpiWindowsKept = 60;

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_queued(const OrderRecord& order) {
  return order.status == OrderStatus::active && order.step == Step::pick && order.station.empty();
}

}  // namespace

json::array string_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

json::object order_position(const OrderRecord& order) {
  return json::object{{"step", to_string(order.step)}, {"phase", to_string(order.phase)}};
}

std::string PendingScan::text() const {
  if (aim_id.empty() && data.size() >= 3 && data[0] == ']' && std::isalpha(static_cast<unsigned char>(data[1])))
    return data.substr(3);
  return data;
}

// --- QueueIndex ----------------------------------------------------------------------------------

void QueueIndex::index(const OrderRecord& order) {
  const auto it = target_of_.find(order.order_id);
  const bool queued = is_queued(order);
  if (it != target_of_.end() && queued && it->second == order.target) return;  // unchanged
  unindex(order.order_id);
  if (!queued) return;
  target_of_.emplace(order.order_id, order.target);
  ++by_target_[order.target];
}

void QueueIndex::unindex(const std::string& order_id) {
  const auto it = target_of_.find(order_id);
  if (it == target_of_.end()) return;
  if (--by_target_[it->second] == 0) by_target_.erase(it->second);
  target_of_.erase(it);
}

std::int64_t QueueIndex::queued_for(const StationRt& st) const {
  auto count = [this](const std::string& target) {
    const auto it = by_target_.find(target);
    return it == by_target_.end() ? std::int64_t{0} : it->second;
  };
  return count(st.id) + (!st.group.empty() && st.group != st.id ? count(st.group) : 0);
}

bool QueueIndex::verify(const std::map<std::string, OrderRecord>& orders) {
  std::unordered_map<std::string, std::string> index;
  std::unordered_map<std::string, std::int64_t> by_target;
  for (const auto& [id, order] : orders) {
    if (!is_queued(order)) continue;
    index.emplace(id, order.target);
    ++by_target[order.target];
  }
  if (index == target_of_ && by_target == by_target_) return true;
  spdlog::error("station queue counts were off ({} queued orders counted, {} indexed): repaired", index.size(),
                target_of_.size());
  target_of_ = std::move(index);
  by_target_ = std::move(by_target);
  return false;
}

// --- StationContext ------------------------------------------------------------------------------

StationContext::StationContext(boost::asio::any_io_executor loop_, const config::Config& config_,
                               outbox::EventSink& sink, print::PrintQueue& print_queue_,
                               const std::string& stations_db, StationsOptions options_)
    : loop(std::move(loop_)),
      config(config_),
      print_queue(print_queue_),
      events(sink),
      options(std::move(options_)),
      store(stations_db),
      kpi(kKpiWindowsKept, system_now_ms()) {}

std::int64_t StationContext::now_ms() const { return system_now_ms(); }

std::chrono::milliseconds StationContext::final_order_retention() const {
  if (options.final_order_retention) return *options.final_order_retention;
  return std::chrono::hours(config.section("orders").get_int("keep_ended_hours"));
}

OrderRecord* StationContext::find_order(const std::string& id) {
  if (auto it = orders.find(id); it != orders.end()) return &it->second;
  // A shipped or cancelled order that left memory (evict_final_orders): back until the next sweep.
  auto stored = store.load(id);
  if (!stored) return nullptr;
  auto& order = orders.emplace(id, std::move(*stored)).first->second;
  queue.index(order);  // an ended order: never queued, but the index stays exact by construction
  return &order;
}

OrderRecord* StationContext::current_order(StationRt& st) {
  return st.current.empty() ? nullptr : find_order(st.current);
}

StationRt* StationContext::station_of(const OrderRecord& order) {
  if (order.station.empty()) return nullptr;
  auto it = stations.find(order.station);
  return it == stations.end() ? nullptr : &it->second;
}

bool StationContext::matches(const StationRt& st, const std::string& target) const {
  return st.id == target || (!st.group.empty() && st.group == target);
}

bool StationContext::any_station_has(std::string_view step) const {
  for (const auto& [id, st] : stations)
    if (st.has(step)) return true;
  return false;
}

void StationContext::save(const OrderRecord& order) {
  queue.index(order);
  if (auto saved = store.save(order); !saved)
    spdlog::error("order={} progress not saved: {}", order.order_id, saved.reason());
}

void StationContext::with_serials(const OrderRecord& order, const std::function<core::Status()>& serials_change,
                                  const std::function<void()>& save_progress) {
  storage::Transaction transaction(store.connection());
  const auto begun = transaction.begin(storage::Transaction::Mode::immediate);
  if (!begun) spdlog::error("order={} serial registry and progress saved apart: {}", order.order_id, begun.message);
  if (auto changed = serials_change(); !changed)
    spdlog::error("order={} serial registry not updated: {}", order.order_id, changed.reason());
  save_progress();
  if (!begun) return;
  if (auto committed = transaction.commit(); !committed)
    spdlog::error("order={} progress and serials not saved: {}", order.order_id, committed.message);
}

void StationContext::save_with_serials(const OrderRecord& order, const std::function<core::Status()>& serials_change) {
  with_serials(order, serials_change, [&] { save(order); });
}

void StationContext::save_pick(const OrderRecord& order, const ScanDecision& decision) {
  queue.index(order);
  if (auto saved = store.save_pick(order, decision.line, decision.qty, decision.serial, decision.lot); !saved)
    spdlog::error("order={} pick not saved: {}", order.order_id, saved.reason());
}

CheckOptions StationContext::check_options(const StationRt& st) {
  CheckOptions o;
  o.today = options.today.value_or(today_utc());
  o.default_min_shelf_life_days = static_cast<int>(st.cfg->settings.get_int_or("min_shelf_life_days", 0));
  const auto& settings = st.cfg->settings;
  auto flag = [&settings](std::string_view key) { return settings.has(key) && settings.get_bool(key); };
  o.accept_bracketed_text = flag("accept_bracketed_text");
  o.tolerate_trailing_gs = flag("gs1_tolerate_trailing_gs");
  o.sscc_on_other_symbol = flag("gs1_sscc_on_other_symbol");
  o.serial_owner = [registry = &serials](const std::string& gtin, const std::string& serial) {
    const auto owner = registry->owner(gtin, serial);
    return owner ? std::optional<std::string>(owner->order_id) : std::nullopt;
  };
  return o;
}

ParcelWeight StationContext::expected_weight(const StationRt& st, const OrderRecord& order) const {
  const auto& settings = st.cfg->settings;
  if (const auto* parcel = current_parcel(order)) return parcel_weight(order, *parcel);
  const auto basis = settings.has("weight_basis") ? weight_basis_from(settings.get_string("weight_basis")) : std::nullopt;
  return parcel_weight(order, basis.value_or(WeightBasis::picked));
}

void StationContext::signal(StationRt& st, std::string_view pattern) {
  if (st.light) st.light->signal(pattern);
}

void StationContext::show(StationRt& st, std::string_view verdict, std::string code, std::string message,
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

void StationContext::commit(const std::string& station, const std::string& order_id, std::string_view type,
                            Json data, Then ok, Refused refused) {
  auto fact = kpi_fact(type, data);
  events.emit(station, order_id, type, data,
              [this, token = std::weak_ptr<int>(token_), ok = std::move(ok), refused = std::move(refused), station,
               order_id, fact = std::move(fact)](const outbox::AppendResult& result) {
                if (token.expired() || !running) return;
                if (result) {
                  observe(station, order_id, fact);
                  if (ok) ok();
                } else if (refused) {
                  refused(result);
                }
              });
}

StationContext::Identified StationContext::identify(const PendingScan& scan) {
  Identified id;
  if (auto* order = find_order(scan.text())) {
    id.order = order;
    return id;
  }
  auto parsed = parse_scan(scan.data, scan.aim_id);
  if (!parsed || parsed->sscc.empty()) {
    // A label without an SSCC (a carrier's) is known by its tracking number.
    const std::string text = scan.text();
    auto names = [&text](const LabelRecord& label) {
      return label.sscc.empty() && label.state != LabelState::none && label.tracking == text;
    };
    for (auto& [order_id, order] : orders) {
      if (names(order.label)) {
        id.order = &order;
        return id;
      }
      for (const auto& p : order.parcels)
        if (names(p.label)) {
          id.order = &order;
          id.parcel = p.number;
          return id;
        }
    }
    // An ended order no longer in memory, by its carrier label. Not for a scan that reads a GTIN:
    // that is an item, and the item scans of a pick+ship or pack station come through here.
    if (!parsed || parsed->gtin.empty()) from_store(id, text);
    return id;
  }
  id.sscc = parsed->sscc;
  for (auto& [order_id, order] : orders) {
    if (order.label.sscc == id.sscc) {
      id.order = &order;
      return id;
    }
    for (const auto& p : order.parcels)
      if (!p.label.sscc.empty() && p.label.sscc == id.sscc) {
        id.order = &order;
        id.parcel = p.number;
        return id;
      }
    for (const auto& voided : order.label.voided_sscc)
      if (voided == id.sscc) {
        id.order = &order;
        id.voided_label = true;
      }
  }
  // An ended order no longer in memory, by one of its current labels (voided labels of those are
  // not indexed: such a scan is an unknown parcel, refused all the same).
  if (!id.order) from_store(id, id.sscc);
  return id;
}

void StationContext::from_store(Identified& id, const std::string& label) {
  const auto owner = store.order_with_label(label);
  if (!owner) return;
  id.order = find_order(owner->order_id);
  if (id.order) id.parcel = owner->parcel;
}

std::function<bool()> StationContext::alive() const {
  return [this, token = std::weak_ptr<int>(token_)] { return !token.expired() && running; };
}

void StationContext::assign_all() {
  for (auto& [id, st] : stations) assign_next(st);
}

void StationContext::assign_next(StationRt& st) {
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

void StationContext::free_station(StationRt& st) {
  if (!st.current.empty()) st.last_order = st.current;
  st.current.clear();
  ++st.weigh_generation;
  st.retry_timer->cancel();
  st.attention.clear();
  st.printer_fault.clear();
  assign_next(st);
  notify(st);
}

void StationContext::finish_scan(const std::string& station) {
  auto it = stations.find(station);
  if (it == stations.end()) return;
  it->second.busy = false;
  settle_scan(it->second);
  drain_scans(it->second);
}

void StationContext::settle_scan(StationRt& st) {
  auto done = std::exchange(st.scan_done, {});
  if (!done) return;
  LastScan none;
  none.verdict = "attention";
  none.code = "no_verdict";
  none.message = "The scan was taken, but its order changed meanwhile: see the station screen.";
  none.at_unix_ms = now_ms();
  done(none);
}

void StationContext::refuse(StationRt& st, const OrderRecord* order, const PendingScan& scan, std::string code,
                            std::string message, std::string detail, Json extra) {
  std::vector<std::string> locations;
  if (const auto* l = extra.if_contains("return_locations"); l && l->is_array())
    for (const auto& v : l->as_array())
      if (v.is_string()) locations.emplace_back(v.as_string());
  spdlog::info("station={} order={} scan refused code={} detail=\"{}\"", st.id, order ? order->order_id : "",
               code, detail);
  show(st, "refused", code, message, scan.text(), std::move(locations));
  Json data = std::move(extra);
  if (order) {
    data["step"] = to_string(order->step);
    data["phase"] = to_string(order->phase);
  }
  data["barcode"] = scan.text();
  data["aim_id"] = scan.aim_id;
  data["reason"] = code;
  data["message"] = message;
  data["detail"] = detail;
  // The refusal is shown at once; its event follows (a refusal needs no confirmation).
  commit(st.id, order ? order->order_id : "", event::kScanRefused, std::move(data), {});
}

void StationContext::refuse_blocked(StationRt& st, const OrderRecord& order, const PendingScan& scan) {
  const char* code = order.status == OrderStatus::cancelled     ? "order_cancelled"
                     : order.status == OrderStatus::shipped     ? "already_shipped"
                     : order.status == OrderStatus::handed_over ? "already_handed_over"
                                                                : "order_held";
  Json extra;
  extra["return_locations"] = string_array(order.return_locations());
  refuse(st, &order, scan, code, blocked_message(order), "", std::move(extra));
}

void StationContext::refuse_outbox(StationRt& st, const PendingScan& scan, const outbox::AppendResult& result) {
  // The event could not be stored, so the OMS would never hear of it: the work is refused.
  show(st, "refused", outbox_refusal_code(result),
       "Not recorded (" + outbox_refusal_code(result) + "): wait and scan again.", scan.text());
}

void StationContext::notify(StationRt& st) {
  ++st.version;
  if (change_handler) change_handler(build_snapshot(st));
}

std::string StationContext::kpi_station(const std::string& station) const {
  return stations.contains(station) ? station : std::string();
}

void StationContext::observe(const std::string& station, const std::string& order_id, const KpiFact& fact) {
  observe_kpi(*this, station, order_id, fact);
}

}  // namespace wedge::station
