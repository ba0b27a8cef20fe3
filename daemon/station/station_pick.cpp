// Scan dispatch and the pick step of Stations (see station_impl.hpp).
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <utility>

#include "daemon/station/station_impl.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {
json::array string_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}
}  // namespace

void Stations::Impl::on_scan(StationRt& st, PendingScan scan) {
  if (st.pending.size() >= options.max_pending_scans) {
    // This refusal is this scan's verdict, not the one of the scan in process.
    auto in_process = std::exchange(st.scan_done, std::move(scan.done));
    const auto in_process_received = std::exchange(st.scan_received, scan.received);
    refuse(st, current_order(st), scan, "busy", "Too many scans at once: wait for the light, then scan again.");
    st.scan_done = std::move(in_process);
    st.scan_received = in_process_received;
    return;
  }
  st.pending.push_back(std::move(scan));
  drain(st);
}

void Stations::Impl::drain(StationRt& st) {
  while (running && !st.busy && !st.pending.empty()) {
    PendingScan scan = std::move(st.pending.front());
    st.pending.pop_front();
    st.scan_done = std::move(scan.done);
    st.scan_received = scan.received;
    st.busy = process(st, scan);
    if (!st.busy) settle_scan(st);
  }
}

void Stations::Impl::finish_scan(const std::string& station) {
  auto it = stations.find(station);
  if (it == stations.end()) return;
  it->second.busy = false;
  settle_scan(it->second);
  drain(it->second);
}

void Stations::Impl::settle_scan(StationRt& st) {
  auto done = std::exchange(st.scan_done, {});
  if (!done) return;
  LastScan none;
  none.verdict = "attention";
  none.code = "no_verdict";
  none.message = "The scan was taken, but its order changed meanwhile: see the station screen.";
  none.at_unix_ms = now_ms();
  done(none);
}

void Stations::Impl::refuse(StationRt& st, const OrderRecord* order, const PendingScan& scan, std::string code,
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

std::string Stations::Impl::blocked_message(const OrderRecord& order) const {
  if (order.status == OrderStatus::cancelled) {
    auto locations = order.return_locations();
    return "cancelled – return the items to their locations" +
           (locations.empty() ? std::string(" (nothing was picked)") : ": " + join(locations));
  }
  if (order.status == OrderStatus::shipped) return "already shipped";
  return "held – put the order aside until it is released" +
         (order.hold_reason.empty() ? std::string() : " (" + order.hold_reason + ")");
}

void Stations::Impl::refuse_blocked(StationRt& st, const OrderRecord& order, const PendingScan& scan) {
  const char* code = order.status == OrderStatus::cancelled ? "order_cancelled"
                     : order.status == OrderStatus::shipped ? "already_shipped"
                                                            : "order_held";
  Json extra;
  extra["return_locations"] = string_array(order.return_locations());
  refuse(st, &order, scan, code, blocked_message(order), "", std::move(extra));
}

void Stations::Impl::refuse_outbox(StationRt& st, const PendingScan& scan, const outbox::AppendResult& result) {
  // The event could not be stored, so the OMS would never hear of it: the work is refused.
  show(st, "refused", outbox_refusal_code(result),
       "Not recorded (" + outbox_refusal_code(result) + "): wait and scan again.", scan.text());
}

bool Stations::Impl::process(StationRt& st, const PendingScan& scan) {
  OrderRecord* order = current_order(st);
  if (!order) return free_station_scan(st, scan);
  if (order->status != OrderStatus::active) {
    // Only the order barcode sets it aside: a label scan is one of the refused later scans.
    if (scan.text() == order->order_id) return set_aside(st, *order, scan);
    refuse_blocked(st, *order, scan);
    return false;
  }
  if (order->step == Step::pick) {
    // A parcel scanned at a pick+ship station while it picks the next order ships that parcel.
    // Only such a station asks: identify() may read stations.db, which an item scan at a pick
    // station must not pay for.
    if (st.has("ship")) {
      const auto other = identify(scan);
      if (other.order && other.order != order && other.order->step == Step::ship &&
          other.order->status == OrderStatus::active && !other.voided_label)
        return ship_scan(st, *other.order, scan);
    }
    return pick_scan(st, *order, scan);
  }
  if (order->step == Step::pack) return pack_scan(st, *order, scan);
  // A current order in ship/done is not kept by design; recover by freeing the station.
  free_station(st);
  return free_station_scan(st, scan);
}

bool Stations::Impl::set_aside(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  Json data = order_position(order);
  data["status"] = to_string(order.status);
  data["barcode"] = scan.text();
  commit(station, order_id, event::kOrderSetAside, std::move(data),
         [this, station, order_id, scan] {
           auto* o = find_order(order_id);
           auto& s = stations.at(station);
           if (o && s.current == order_id) {
             o->station.clear();
             // A held order waits unassigned; pack restarts at identification when released.
             if (o->step == Step::pack && o->phase != Phase::verify && o->phase != Phase::label_failed &&
                 o->phase != Phase::label)
               o->phase = Phase::identify;
             save(*o);
             show(s, "accepted", "set_aside", "Order " + order_id + " set aside.", scan.text());
             free_station(s);
           }
           finish_scan(station);
         },
         [this, station, scan](const outbox::AppendResult& result) {
           refuse_outbox(stations.at(station), scan, result);
           finish_scan(station);
         });
  return true;
}

bool Stations::Impl::pick_scan(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const std::string text = scan.text();
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  // Optional location scan: text equal to a location of the order (and not an item code).
  bool is_item_code = order.pick_list.line_for_sku(text) >= 0;
  for (const auto& [alias, sku] : check_options(st).sku_aliases) is_item_code = is_item_code || alias == text;
  bool is_location = false;
  int open_line_here = -1;
  for (std::size_t i = 0; i < order.pick_list.lines.size(); ++i) {
    if (order.pick_list.lines[i].location != text || text.empty()) continue;
    is_location = true;
    if (order.pick.lines[i].picked < order.pick_list.lines[i].qty && !order.short_lines.contains(static_cast<int>(i)))
      open_line_here = static_cast<int>(i);
  }
  if (is_location && !is_item_code) {
    if (open_line_here < 0) {
      refuse(st, &order, scan, "wrong_location", "Nothing left to pick at this location: go to the next one.");
      return false;
    }
    Json data = order_position(order);
    data["location"] = text;
    data["line"] = open_line_here;
    commit(station, order_id, event::kLocationConfirmed, std::move(data),
           [this, station, order_id, text] {
             auto& s = stations.at(station);
             if (auto* o = find_order(order_id)) {
               o->location = text;
               save(*o);
             }
             show(s, "accepted", "location", "Location " + text + " confirmed.", text);
             finish_scan(station);
           },
           [this, station, scan](const outbox::AppendResult& result) {
             refuse_outbox(stations.at(station), scan, result);
             finish_scan(station);
           });
    return true;
  }
  auto decision = check_scan(order.pick_list, order.pick, scan.data, scan.aim_id, check_options(st));
  if (decision.accepted() && order.short_lines.contains(decision.line)) {
    refuse(st, &order, scan, "line_short", "This line was declared short: put the item back.");
    return false;
  }
  if (!decision.accepted()) {
    Json extra;
    if (decision.line >= 0) extra["line"] = decision.line;
    if (!decision.sku.empty()) extra["sku"] = decision.sku;
    if (!decision.gtin.empty()) extra["gtin"] = decision.gtin;
    refuse(st, &order, scan, decision.code, decision.message, decision.detail, std::move(extra));
    return false;
  }
  const auto& line = order.pick_list.lines[static_cast<std::size_t>(decision.line)];
  Json data = order_position(order);
  data["barcode"] = text;
  data["line"] = decision.line;
  data["sku"] = decision.sku;
  data["qty"] = decision.qty;
  data["picked"] = order.pick.lines[static_cast<std::size_t>(decision.line)].picked + decision.qty;
  data["ordered"] = line.qty;
  data["location"] = line.location;
  data["gtin"] = decision.gtin;
  data["lot"] = decision.lot;
  data["serial"] = decision.serial;
  data["expiry"] = decision.expiry ? json::value(decision.expiry->iso()) : json::value(nullptr);
  data["warnings"] = string_array(decision.warnings);
  commit(station, order_id, event::kItemPicked, std::move(data),
         [this, station, order_id, decision, text] {
           auto& s = stations.at(station);
           auto* o = find_order(order_id);
           if (!o) return finish_scan(station);
           record_pick(o->pick, decision);
           save(*o);
           if (o->status != OrderStatus::active) {
             // Cancelled or held while the event was being stored: the item counts (it must go
             // back) but the picker sees the interception, not "accepted".
             show(s, "refused", o->status == OrderStatus::cancelled ? "order_cancelled" : "order_held",
                  blocked_message(*o), text, o->return_locations());
             return finish_scan(station);
           }
           const bool attention = !decision.warnings.empty();
           show(s, attention ? "attention" : "accepted", attention ? decision.warnings.front() : "accepted",
                attention ? "Accepted, but check the scanner's GS setting." : "Accepted.", text);
           if (o->pick_finished() && s.current == order_id) {
             complete_pick(s, *o, [this, station] { finish_scan(station); });
             return;
           }
           finish_scan(station);
         },
         [this, station, scan](const outbox::AppendResult& result) {
           refuse_outbox(stations.at(station), scan, result);
           finish_scan(station);
         });
  return true;
}

void Stations::Impl::complete_pick(StationRt& st, OrderRecord& order, Then then) {
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  auto& times = order.times["pick"];
  Json data = order_position(order);
  json::array lines;
  for (std::size_t i = 0; i < order.pick_list.lines.size(); ++i)
    lines.emplace_back(json::object{{"line", static_cast<std::int64_t>(i)},
                                    {"sku", order.pick_list.lines[i].sku},
                                    {"ordered", order.pick_list.lines[i].qty},
                                    {"picked", order.pick.lines[i].picked},
                                    {"short", order.short_lines.contains(static_cast<int>(i))}});
  data["lines"] = std::move(lines);
  data["short"] = !order.short_lines.empty();
  data["started_unix_ms"] = times.started_unix_ms;
  data["duration_ms"] = times.started_unix_ms > 0 ? now_ms() - times.started_unix_ms : 0;
  commit(station, order_id, event::kPickCompleted, std::move(data),
         [this, station, order_id, then] {
           auto* o = find_order(order_id);
           auto& s = stations.at(station);
           if (o && o->step == Step::pick && o->status == OrderStatus::active) {
             o->times["pick"].finished_unix_ms = now_ms();
             o->step = Step::pack;
             o->phase = Phase::identify;
             if (s.has("pack")) {
               save(*o);
               notify(s);
             } else {
               o->station.clear();
               save(*o);
               free_station(s);
             }
           }
           if (then) then();
         },
         [this, station, then](const outbox::AppendResult&) {
           // Picks are stored; the completion is retried with the next scan or command.
           stations.at(station).attention = "Pick complete, but not yet recorded (outbox full): scan again.";
           notify(stations.at(station));
           if (then) then();
         });
}

void Stations::Impl::do_declare_short(const std::string& station, int line, const std::string& reason,
                                      Stations::ActionDone done) {
  auto it = stations.find(station);
  auto fail = [&](std::string why) {
    if (done) done({false, std::move(why), false, {}});
  };
  if (it == stations.end()) return fail("no such station");
  auto& st = it->second;
  auto* order = current_order(st);
  if (!order || order->step != Step::pick) return fail("the station is not picking an order");
  if (order->status != OrderStatus::active) return fail(blocked_message(*order));
  if (line < 0 || static_cast<std::size_t>(line) >= order->pick_list.lines.size())
    return fail("no such line");
  const auto& l = order->pick_list.lines[static_cast<std::size_t>(line)];
  const auto picked = order->pick.lines[static_cast<std::size_t>(line)].picked;
  if (picked >= l.qty || order->short_lines.contains(line)) return fail("the line is already closed");
  Json data = order_position(*order);
  data["reason"] = reason;
  data["missing"] = json::array{json::object{{"line", line},
                                             {"sku", l.sku},
                                             {"location", l.location},
                                             {"ordered", l.qty},
                                             {"picked", picked},
                                             {"missing", l.qty - picked}}};
  const std::string order_id = order->order_id;
  commit(station, order_id, event::kShortPick, std::move(data),
         [this, station, order_id, line, done] {
           auto* o = find_order(order_id);
           auto& s = stations.at(station);
           if (!o) return;
           o->short_lines.insert(line);
           save(*o);
           show(s, "attention", "short_pick", "Short pick recorded for line " + std::to_string(line) + ".", "");
           if (done) done({true, "short pick recorded", false, {}});
           if (o->pick_finished() && o->status == OrderStatus::active && s.current == order_id)
             complete_pick(s, *o, {});
         },
         [done](const outbox::AppendResult& result) {
           if (done) done({false, outbox_refusal_code(result), false, {}});
         });
}

}  // namespace wedge::station
