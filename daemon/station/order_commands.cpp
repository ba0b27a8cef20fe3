// OrderCommands (order_commands.hpp): OMS commands applied to the workflow — pick_list,
// order.cancel, order.hold, order.release, order.update.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "daemon/station/order_commands.hpp"
#include "daemon/station/parcels.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

json::array issues_json(const std::vector<OrderIssue>& issues) {
  json::array out;
  for (const auto& issue : issues)
    out.emplace_back(json::object{{"path", issue.path}, {"code", to_string(issue.code)}, {"message", issue.message}});
  return out;
}

bool same_address(const std::optional<ShipTo>& a, const std::optional<ShipTo>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->name == b->name && a->address_lines == b->address_lines && a->postcode == b->postcode &&
         a->city == b->city && a->country == b->country;
}

CommandOutcome outcome(bool accepted, std::string code, std::string reason, const OrderRecord* order = nullptr,
                       std::string step = {}, std::string phase = {}) {
  CommandOutcome o;
  o.accepted = accepted;
  o.code = std::move(code);
  o.reason = std::move(reason);
  if (order) {
    o.intercepted_step = step.empty() ? order->intercept_step() : std::move(step);
    o.intercepted_phase = phase.empty() ? std::string(to_string(order->phase)) : std::move(phase);
  }
  return o;
}

// The order a hold, cancel, release or update names; when no station holds it, the command is
// answered unknown_order here and the caller stops (nullptr).
OrderRecord* order_or_refuse(StationContext& ctx, const commands::Command& command,
                             const Stations::CommandDone& done) {
  auto* order = ctx.find_order(command.order_id);
  if (!order && done) done(outcome(false, "unknown_order", "order " + command.order_id + " is not at any station"));
  return order;
}

// The refusal of a command for an order that ended here: already_shipped, already_cancelled, or
// already_handed_over (picked here, packed at another gateway: the OMS sends it there).
std::string final_refusal(const OrderRecord& order) {
  switch (order.status) {
    case OrderStatus::shipped: return "already_shipped";
    case OrderStatus::handed_over: return "already_handed_over";
    default: return "already_cancelled";
  }
}

// Refuses `command` for an ended order: order.command_refused to the OMS, and the reply.
void refuse_for_final_order(StationContext& ctx, const commands::Command& command, const OrderRecord& order,
                            const std::string& step, const std::string& phase, const Stations::CommandDone& done) {
  const std::string reason = final_refusal(order);
  StationContext::Json data = order_position(order);
  data["command_id"] = command.id;
  data["command"] = commands::to_string(command.type);
  data["reason"] = reason;
  data["intercepted_step"] = step;
  ctx.commit(order.station, order.order_id, event::kOrderCommandRefused, std::move(data), {});
  if (done)
    done(outcome(false, reason, "order is already " + std::string(to_string(order.status)), &order, step, phase));
}

}  // namespace

std::string command_reason(const std::string& data_json) {
  boost::system::error_code ec;
  auto value = json::parse(data_json, ec);
  if (ec || !value.is_object()) return {};
  const auto* reason = value.as_object().if_contains("reason");
  return reason && reason->is_string() ? std::string(reason->as_string()) : std::string();
}

OrderCommands::OrderCommands(StationContext& ctx, PickStep& pick, PackStep& pack, LabelStep& label)
    : ctx_(ctx), pick_(pick), pack_(pack), label_(label) {}

void OrderCommands::handle_command(const commands::Command& command, Stations::CommandDone done) {
  auto reply = [&done](CommandOutcome o) {
    if (done) done(o);
  };
  if (!ctx_.running) return reply(outcome(false, "stopped", "the stations are not running"));
  try {
    switch (command.type) {
      case commands::CommandType::pick_list:
        return on_pick_list(command, std::move(done));
      case commands::CommandType::order_cancel:
        return on_cancel_or_hold(command, true, std::move(done));
      case commands::CommandType::order_hold:
        return on_cancel_or_hold(command, false, std::move(done));
      case commands::CommandType::order_release:
        return on_release(command, std::move(done));
      case commands::CommandType::order_update:
        return on_update(command, std::move(done));
      case commands::CommandType::rebirth:
        return reply(outcome(true, "accepted", "nothing to do for the stations"));
      case commands::CommandType::return_expected:
      case commands::CommandType::return_cancel:
      case commands::CommandType::return_hold:
      case commands::CommandType::return_release:
        if (!return_commands) return reply(outcome(false, "no_station", "no returns step here"));
        return return_commands(command, std::move(done));
    }
  } catch (const std::exception& e) {
    // Nothing escapes a handler: a bug in one command must not stop the gateway.
    spdlog::error("command id={} order={} failed: {}", command.id, command.order_id, e.what());
    return reply(outcome(false, "internal_error", e.what()));
  }
}

void OrderCommands::on_pick_list(const commands::Command& command, Stations::CommandDone done) {
  if (auto* existing = ctx_.find_order(command.order_id)) {
    if (done) done(outcome(true, "duplicate", "order already received", existing));
    return;
  }
  auto parsed = parse_pick_list_json(command.order_id, command.station, command.data_json,
                                     PickListOptions{ctx_.require_shipping});
  std::string target;
  if (parsed) target = parsed->station_group.empty() ? command.station : parsed->station_group;
  bool has_pick = false, has_pack = false, matched = false;
  for (const auto& [id, st] : ctx_.stations)
    if (ctx_.matches(st, target)) {
      matched = true;
      has_pick = has_pick || st.has("pick");
      has_pack = has_pack || st.has("pack");
    }
  if (!parsed || !matched) {
    Json data;
    if (!parsed) {
      data["code"] = "invalid_pick_list";
      data["issues"] = issues_json(parsed.error());
    } else {
      data["code"] = "no_station";
      data["issues"] = json::array{json::object{
          {"path", "station"}, {"code", "no_station"}, {"message", "no station or station group named " + target}}};
    }
    data["command_id"] = command.id;
    const std::string code = parsed ? "no_station" : "invalid_pick_list";
    const std::string reason = parsed ? "no station or station group named " + target
                                      : (parsed.error().empty() ? std::string("invalid pick list")
                                                               : parsed.error().front().path + ": " +
                                                                     parsed.error().front().message);
    spdlog::warn("order={} pick list refused: {}", command.order_id, reason);
    ctx_.commit(command.station, command.order_id, event::kOrderRejected, std::move(data), {});
    if (done) done(outcome(false, code, reason));
    return;
  }
  OrderRecord order;
  order.order_id = command.order_id;
  order.rank = ctx_.next_rank++;
  order.command_station = command.station;
  order.target = target;
  order.pick_list_json = command.data_json;
  order.pick_list = std::move(*parsed);
  order.pick.lines.resize(order.pick_list.lines.size());
  order.received_unix_ms = ctx_.now_ms();
  if (!has_pick) {
    order.step = has_pack ? Step::pack : Step::ship;
    order.phase = Phase::identify;
  }
  ctx_.save(order);
  Json data = order_position(order);
  data["command_id"] = command.id;
  data["target"] = target;
  data["lines"] = static_cast<std::int64_t>(order.pick_list.lines.size());
  data["units"] = [&] {
    std::int64_t units = 0;
    for (const auto& l : order.pick_list.lines) units += l.qty;
    return units;
  }();
  data["expected_grams"] = order.pick_list.expected_weight_grams();
  const std::string order_id = order.order_id;
  ctx_.queue.index(ctx_.orders.emplace(order_id, std::move(order)).first->second);
  ctx_.commit(command.station, order_id, event::kOrderReceived, std::move(data),
         [this, order_id, done] {
           if (done) done(outcome(true, "accepted", "order queued", ctx_.find_order(order_id)));
           ctx_.assign_all();
           // Only the stations that may take it show a longer queue (notifying every station for
           // every pick list floods the screens' event streams at 50 stations).
           if (const auto* o = ctx_.find_order(order_id))
             for (auto& [id, st] : ctx_.stations)
               if (ctx_.matches(st, o->target) && st.current != order_id) ctx_.notify(st);
         },
         [this, order_id, done](const outbox::AppendResult& result) {
           // Stored and queued all the same: the order must not be lost because the OMS cannot
           // hear about it yet.
           if (done) done(outcome(true, "accepted", "order queued; event not stored: " + outbox_refusal_code(result),
                                  ctx_.find_order(order_id)));
           ctx_.assign_all();
         });
}

void OrderCommands::on_cancel_or_hold(const commands::Command& command, bool cancel, Stations::CommandDone done) {
  auto* order = order_or_refuse(ctx_, command, done);
  if (!order) return;
  const std::string step = order->intercept_step();
  const std::string phase(to_string(order->phase));
  const std::string reason = command_reason(command.data_json);
  if (order->final() || (!cancel && order->status == OrderStatus::held)) {
    const bool same = (cancel && order->status == OrderStatus::cancelled) ||
                      (!cancel && order->status == OrderStatus::held);
    if (same) {
      if (done) done(outcome(true, "duplicate", "order already " + std::string(to_string(order->status)), order, step, phase));
      return;
    }
    return refuse_for_final_order(ctx_, command, *order, step, phase, done);
  }
  StationRt* st = ctx_.station_of(*order);
  order->status = cancel ? OrderStatus::cancelled : OrderStatus::held;
  if (cancel) order->ended_unix_ms = ctx_.now_ms();
  if (cancel) order->cancel_reason = reason;
  else order->hold_reason = reason.empty() ? "hold" : reason;
  if (st) {
    ++st->weigh_generation;
    st->retry_timer->cancel();
  }
  // Printed labels are void at once (every parcel's); one still printing is voided when it comes out.
  if (cancel)
    (void)label_.void_parcels(*order, "cancelled", [order](std::int64_t parcel) {
      const auto* p = parcel_by_number(*order, parcel);
      return (p ? p->label : order->label).state != LabelState::printing;
    });
  // A station keeps a cancelled order until its items are back (the operator scans the order
  // barcode); with nothing picked there is nothing to return and it moves on at once.
  const bool nothing_to_return = order->step == Step::pick && order->units_picked() == 0;
  const bool free_now = st && cancel && nothing_to_return;
  if (free_now) order->station.clear();
  ctx_.save(*order);
  Json data = order_position(*order);
  data["command_id"] = command.id;
  data["intercepted_step"] = step;
  data["reason"] = cancel ? reason : order->hold_reason;
  data["station"] = st ? st->id : "";
  json::array locations;
  for (const auto& l : order->return_locations()) locations.emplace_back(l);
  data["return_locations"] = std::move(locations);
  data["units_picked"] = order->units_picked();
  spdlog::info("order={} {} at step {} ({})", order->order_id, cancel ? "cancelled" : "held", step, phase);
  if (st) {
    ctx_.show(*st, "attention", cancel ? "order_cancelled" : "order_held", ctx_.blocked_message(*order), "",
         order->return_locations());
    if (free_now) ctx_.free_station(*st);
  }
  const std::string order_id = order->order_id;
  ctx_.commit(st ? st->id : order->command_station, order_id, cancel ? event::kOrderCancelled : event::kOrderHeld,
         std::move(data),
         [this, order_id, done, step, phase] {
           if (done) done(outcome(true, "accepted", "order intercepted at " + step, ctx_.find_order(order_id), step, phase));
         },
         [this, order_id, done, step, phase](const outbox::AppendResult& result) {
           // The interception stands (stopping the order matters more than telling at once).
           if (done)
             done(outcome(true, "accepted", "order intercepted at " + step + "; event not stored: " +
                                                outbox_refusal_code(result),
                          ctx_.find_order(order_id), step, phase));
         });
}

void OrderCommands::on_release(const commands::Command& command, Stations::CommandDone done) {
  auto* order = order_or_refuse(ctx_, command, done);
  if (!order) return;
  const std::string step = order->intercept_step();
  const std::string phase(to_string(order->phase));
  if (order->status != OrderStatus::held) {
    if (done) done(outcome(false, "not_held", "order is " + std::string(to_string(order->status)), order, step, phase));
    return;
  }
  order->status = OrderStatus::active;
  const std::string was = order->hold_reason;
  order->hold_reason.clear();
  ctx_.save(*order);
  Json data = order_position(*order);
  data["command_id"] = command.id;
  data["intercepted_step"] = step;
  data["reason"] = command_reason(command.data_json);
  data["held_for"] = was;
  if (auto* st = ctx_.station_of(*order); st && st->current == order->order_id) {
    ctx_.show(*st, "attention", "order_released", "Order " + order->order_id + " released: continue.", "");
    if (order->phase == Phase::weigh) pack_.arm_weigh(*st);
  }
  const std::string order_id = order->order_id;
  ctx_.commit(order->station.empty() ? order->command_station : order->station, order_id, event::kOrderReleased,
         std::move(data), {});
  ctx_.assign_all();
  if (done) done(outcome(true, "accepted", "order released", order, step, phase));
}

void OrderCommands::on_update(const commands::Command& command, Stations::CommandDone done) {
  auto* order = order_or_refuse(ctx_, command, done);
  if (!order) return;
  const std::string step = order->intercept_step();
  const std::string phase(to_string(order->phase));
  if (order->final()) return refuse_for_final_order(ctx_, command, *order, step, phase, done);
  auto parsed = parse_pick_list_json(command.order_id, order->command_station, command.data_json,
                                     PickListOptions{ctx_.require_shipping});
  if (!parsed) {
    Json data = order_position(*order);
    data["command_id"] = command.id;
    data["issues"] = issues_json(parsed.error());
    ctx_.commit(order->station, order->order_id, event::kOrderUpdateRejected, std::move(data), {});
    if (done) done(outcome(false, "invalid_pick_list", parsed.error().empty() ? "invalid" : parsed.error().front().message,
                           order, step, phase));
    return;
  }
  const bool address_changed = !same_address(order->pick_list.ship_to, parsed->ship_to);
  const bool carrier_label_changed = order->pick_list.carrier_labels != parsed->carrier_labels;
  // Only the labels that must change are voided: every one for a new address, else the parcels
  // whose carrier label differs.
  const PickList old_list = order->pick_list;
  auto label_changes = [&old_list, &parsed, address_changed](std::int64_t parcel) {
    if (address_changed) return true;
    const auto* before = old_list.carrier_label(parcel);
    const auto* after = parsed->carrier_label(parcel);
    return (before == nullptr) != (after == nullptr) || (before && *before != *after);
  };
  // Carry the progress over by SKU: what was picked stays picked.
  PickState carried;
  std::set<int> shorts;
  carried.lines.resize(parsed->lines.size());
  for (std::size_t i = 0; i < parsed->lines.size(); ++i) {
    const int old = order->pick_list.line_for_sku(parsed->lines[i].sku);
    if (old < 0) continue;
    carried.lines[i] = order->pick.lines[static_cast<std::size_t>(old)];
    if (order->short_lines.contains(old)) shorts.insert(static_cast<int>(i));
  }
  order->pick_list = std::move(*parsed);
  order->pick_list_json = command.data_json;
  order->pick = std::move(carried);
  order->short_lines = std::move(shorts);
  std::string voided;
  std::vector<std::int64_t> voided_parcels;
  if (address_changed || carrier_label_changed) {
    const auto first_voided = order->label.voided_sscc.size();
    voided_parcels = label_.void_parcels(*order, address_changed ? "address_changed" : "carrier_label_changed",
                                         label_changes);
    if (order->label.voided_sscc.size() > first_voided) voided = order->label.voided_sscc[first_voided];
  }
  const bool reprint = !voided_parcels.empty();
  if (reprint && order->step == Step::ship) {
    order->step = Step::pack;
    order->station.clear();
    order->loading_station.clear();
  }
  ctx_.save(*order);
  Json data = order_position(*order);
  data["command_id"] = command.id;
  data["intercepted_step"] = step;
  data["address_changed"] = address_changed;
  data["carrier_label_changed"] = carrier_label_changed;
  data["label_reprinted"] = reprint;
  data["voided_sscc"] = voided;
  json::array voided_numbers;
  for (auto n : voided_parcels) voided_numbers.emplace_back(n);
  data["voided_parcels"] = std::move(voided_numbers);
  StationRt* st = ctx_.station_of(*order);
  if (reprint && multi_parcel(*order)) {
    // Back to the first parcel whose label was voided: its new label prints now, the others'
    // follow as each is verified (ParcelStep::resume).
    if (st) ++st->weigh_generation;
    (void)pack_.parcels().resume(st, *order);
  } else if (reprint) {
    label_.print(st, *order);
  }
  const std::string order_id = order->order_id;
  ctx_.commit(st ? st->id : order->command_station, order_id, event::kOrderUpdated, std::move(data), {});
  if (st) {
    ctx_.show(*st, "attention", "order_updated",
         reprint ? std::string(address_changed ? "Address changed" : "New carrier label") +
                       ": a new label is printing, the old one is void."
                 : "Order updated.",
         "");
    if (order->step == Step::pick && order->status == OrderStatus::active && order->pick_finished() &&
        st->current == order_id)
      pick_.complete(*st, *order, {});
  }
  if (done) done(outcome(true, "accepted", reprint ? "order updated; label reprinted" : "order updated",
                         ctx_.find_order(order_id), step, phase));
}

}  // namespace wedge::station
