// PickStep (pick_step.hpp): item and location scans against the pick list, short picks, and the
// close of the pick step.
#include "daemon/station/pick_step.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <utility>

namespace wedge::station {

namespace json = boost::json;

PickStep::PickStep(StationContext& ctx) : ctx_(ctx) {}

bool PickStep::scan(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const std::string text = scan.text();
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  // Optional location scan: text equal to a location of the order (and not an item code).
  bool is_item_code = order.pick_list.line_for_sku(text) >= 0;
  for (const auto& [alias, sku] : ctx_.check_options(st).sku_aliases) is_item_code = is_item_code || alias == text;
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
      ctx_.refuse(st, &order, scan, "wrong_location", "Nothing left to pick at this location: go to the next one.");
      return false;
    }
    Json data = order_position(order);
    data["location"] = text;
    data["line"] = open_line_here;
    ctx_.commit(station, order_id, event::kLocationConfirmed, std::move(data),
           [this, station, order_id, text] {
             auto& s = ctx_.stations.at(station);
             if (auto* o = ctx_.find_order(order_id)) {
               o->location = text;
               ctx_.save(*o);
             }
             ctx_.show(s, "accepted", "location", "Location " + text + " confirmed.", text);
             ctx_.finish_scan(station);
           },
           [this, station, scan](const outbox::AppendResult& result) {
             ctx_.refuse_outbox(ctx_.stations.at(station), scan, result);
             ctx_.finish_scan(station);
           });
    return true;
  }
  auto decision = check_scan(order.pick_list, order.pick, scan.data, scan.aim_id, ctx_.check_options(st));
  if (decision.accepted() && order.short_lines.contains(decision.line)) {
    ctx_.refuse(st, &order, scan, "line_short", "This line was declared short: put the item back.");
    return false;
  }
  if (!decision.accepted()) {
    Json extra;
    if (decision.line >= 0) extra["line"] = decision.line;
    if (!decision.sku.empty()) extra["sku"] = decision.sku;
    if (!decision.gtin.empty()) extra["gtin"] = decision.gtin;
    ctx_.refuse(st, &order, scan, decision.code, decision.message, decision.detail, std::move(extra));
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
  // The unit is this order's while its event is stored: another station's scan of it is refused.
  const bool serialised = !decision.serial.empty() && !decision.gtin.empty();
  if (serialised) ctx_.serials.reserve(decision.gtin, decision.serial, order_id);
  ctx_.commit(station, order_id, event::kItemPicked, std::move(data),
         [this, station, order_id, decision, text, serialised] {
           auto& s = ctx_.stations.at(station);
           auto* o = ctx_.find_order(order_id);
           if (serialised) ctx_.serials.unreserve(decision.gtin, decision.serial);
           if (!o) return ctx_.finish_scan(station);
           record_pick(o->pick, decision);
           if (serialised)
             ctx_.with_serials(
                 *o,
                 [&] { return ctx_.serials.claim(decision.gtin, decision.serial, order_id, station, ctx_.now_ms()); },
                 [&] { ctx_.save_pick(*o, decision); });
           else
             ctx_.save_pick(*o, decision);
           if (o->status != OrderStatus::active) {
             // Cancelled or held while the event was being stored: the item counts (it must go
             // back) but the picker sees the interception, not "accepted".
             ctx_.show(s, "refused", o->status == OrderStatus::cancelled ? "order_cancelled" : "order_held",
                  ctx_.blocked_message(*o), text, o->return_locations());
             return ctx_.finish_scan(station);
           }
           const bool attention = !decision.warnings.empty();
           ctx_.show(s, attention ? "attention" : "accepted", attention ? decision.warnings.front() : "accepted",
                attention ? "Accepted, but check the scanner's GS setting." : "Accepted.", text);
           if (o->pick_finished() && s.current == order_id) {
             complete(s, *o, [this, station] { ctx_.finish_scan(station); });
             return;
           }
           ctx_.finish_scan(station);
         },
         [this, station, scan, decision, serialised](const outbox::AppendResult& result) {
           if (serialised) ctx_.serials.unreserve(decision.gtin, decision.serial);
           ctx_.refuse_outbox(ctx_.stations.at(station), scan, result);
           ctx_.finish_scan(station);
         });
  return true;
}

void PickStep::complete(StationRt& st, OrderRecord& order, Then then) {
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
  data["duration_ms"] = times.started_unix_ms > 0 ? ctx_.now_ms() - times.started_unix_ms : 0;
  // No station of this gateway packs: the order goes on at another gateway (the OMS routes it on
  // this event), so here it ends like a shipped one and leaves memory and stations.db in time.
  const bool hand_over = !ctx_.any_station_has("pack");
  data["handed_over"] = hand_over;
  ctx_.commit(station, order_id, event::kPickCompleted, std::move(data),
         [this, station, order_id, then, hand_over] {
           auto* o = ctx_.find_order(order_id);
           auto& s = ctx_.stations.at(station);
           if (o && o->step == Step::pick && o->status == OrderStatus::active) {
             const auto now = ctx_.now_ms();
             o->times["pick"].finished_unix_ms = now;
             o->step = Step::pack;
             o->phase = Phase::identify;
             if (hand_over) {
               o->status = OrderStatus::handed_over;
               o->ended_unix_ms = now;
               spdlog::info("station={} order={} picked and handed over (no pack station here)", station, order_id);
             }
             if (s.has("pack")) {
               ctx_.save(*o);
               ctx_.notify(s);
             } else {
               o->station.clear();
               ctx_.save(*o);
               ctx_.free_station(s);
             }
           }
           if (then) then();
         },
         [this, station, then](const outbox::AppendResult&) {
           // Picks are stored; the completion is retried with the next scan or command.
           ctx_.stations.at(station).attention = "Pick complete, but not yet recorded (outbox full): scan again.";
           ctx_.notify(ctx_.stations.at(station));
           if (then) then();
         });
}

void PickStep::declare_short(const std::string& station, int line, const std::string& reason,
                                      Stations::ActionDone done) {
  auto it = ctx_.stations.find(station);
  auto fail = [&](std::string why) {
    if (done) done(ActionRefusal{core::Errc::failed_precondition, std::move(why), {}});
  };
  if (it == ctx_.stations.end()) return fail("no such station");
  auto& st = it->second;
  auto* order = ctx_.current_order(st);
  if (!order || order->step != Step::pick) return fail("the station is not picking an order");
  if (order->status != OrderStatus::active) return fail(ctx_.blocked_message(*order));
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
  ctx_.commit(station, order_id, event::kShortPick, std::move(data),
         [this, station, order_id, line, done] {
           auto* o = ctx_.find_order(order_id);
           auto& s = ctx_.stations.at(station);
           if (!o) return;
           o->short_lines.insert(line);
           ctx_.save(*o);
           ctx_.show(s, "attention", "short_pick", "Short pick recorded for line " + std::to_string(line) + ".", "");
           if (done) done(ActionTaken{"short pick recorded", {}});
           if (o->pick_finished() && o->status == OrderStatus::active && s.current == order_id)
             complete(s, *o, {});
         },
         [done](const outbox::AppendResult& result) {
           if (done) done(ActionRefusal{core::Errc::unavailable, outbox_refusal_code(result), {}});
         });
}

}  // namespace wedge::station
