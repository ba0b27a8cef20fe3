// StationContext::build_snapshot and blocked_message (station_context.hpp): what a station shows.
#include "daemon/station/station_context.hpp"

#include "daemon/station/parcels.hpp"
#include "daemon/station/put_away.hpp"

namespace wedge::station {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

StationSnapshot StationContext::build_snapshot(const StationRt& st) const {
  StationSnapshot s;
  s.station = st.id;
  s.steps = st.cfg->steps;
  s.last_scan = st.last_scan;
  s.weight.live_grams = st.live.live_grams;
  s.weight.stable = st.live.stable;
  s.version = st.version;
  s.queued_orders = queue.queued_for(st);
  for (const auto& r : at_risk)
    if (shows_at_risk(st, r)) s.orders_at_risk.push_back(r);
  s.label_state = "none";
  if (return_view && return_view(st, s)) return s;
  const auto it = st.current.empty() ? orders.end() : orders.find(st.current);
  if (it == orders.end()) {
    const auto loading = st.loading.empty() ? orders.end() : orders.find(st.loading);
    if (!st.attention.empty()) s.prompt = st.attention;
    else if (loading != orders.end() && loading->second.step == Step::ship)
      s.prompt = "Order " + st.loading + ": scan parcel " + number_list(parcels_to_load(loading->second)) +
                 " — the order ships when every parcel is scanned.";
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
    const auto weight = expected_weight(st, order);
    s.weight.expected_grams = weight.expected_grams;
    s.weight.allowed_deviation_grams = weight.allowed_deviation_grams;
  }
  const auto* parcel = current_parcel(order);
  s.weight.measured_grams = parcel ? parcel->measured_grams : order.measured_grams;
  const auto& label = label_of(order);
  s.label_state = std::string(to_string(label.state));
  s.label_sscc = label.sscc;
  s.label_error = label.error;
  if (order.status == OrderStatus::cancelled) {
    s.put_away = items_to_put_away(order);
    s.prompt = blocked_message(order) +
               (s.put_away.empty() ? std::string(" Scan the order barcode when done.")
                                   : " Scan each location as its items go back (the order barcode: all at once).");
  } else if (order.status != OrderStatus::active) {
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
        s.prompt = multi_parcel(order) ? "Put parcel " + std::to_string(parcel_number(order)) + " on the scale."
                                       : "Put the parcel on the scale.";
        break;
      case Phase::fill:
        s.prompt = "Parcel " + std::to_string(parcel_number(order)) +
                   ": scan each item you put in it, then scan New parcel (the last parcel closes by itself).";
        break;
      case Phase::label:
        s.prompt = st.printer_fault.empty() ? "Printing the shipping label." : st.printer_fault;
        break;
      case Phase::label_failed:
        s.prompt = "Label failed (" + label.error + "): scan the order barcode to print it again.";
        break;
      case Phase::verify:
        s.prompt = multi_parcel(order) ? "Scan the label of parcel " + std::to_string(parcel_number(order)) + " to verify it."
                                       : "Scan the shipping label to verify it.";
        break;
      case Phase::shipped:
        s.prompt = "Shipped.";
        break;
    }
  }
  return s;
}

bool StationContext::shows_at_risk(const StationRt& st, const AtRiskOrder& order) const {
  // Its own, and one waiting that it could take: a pick waits for the stations of its target, a
  // pack or ship for any station doing the step (an order or parcel scan takes it).
  if (!order.station.empty()) return order.station == st.id;
  return st.has(order.step) && (order.step != "pick" || matches(st, order.target));
}

std::string StationContext::blocked_message(const OrderRecord& order) const {
  if (order.status == OrderStatus::cancelled) {
    auto locations = order.return_locations();
    return "cancelled – return the items to their locations" +
           (locations.empty() ? std::string(" (nothing was picked)") : ": " + join(locations));
  }
  if (order.status == OrderStatus::shipped) return "already shipped";
  if (order.status == OrderStatus::handed_over) return "picked and handed over: it is packed at another gateway";
  return "held – put the order aside until it is released" +
         (order.hold_reason.empty() ? std::string() : " (" + order.hold_reason + ")");
}

}  // namespace wedge::station
