// Scan routing of Stations (see station_impl.hpp): a station's scans one at a time, each to the
// step its current order is in.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <utility>

#include "daemon/station/station_impl.hpp"

namespace wedge::station {

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

bool Stations::Impl::process(StationRt& st, const PendingScan& scan) {
  if (st.has("returns") && returns.holds(st)) return returns.scan(st, scan);
  OrderRecord* order = current_order(st);
  if (!order) return free_station_scan(st, scan);
  if (order->status == OrderStatus::cancelled) return put_away.scan(st, *order, scan);
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
        return ship.scan(st, *other.order, scan);
    }
    return pick.scan(st, *order, scan);
  }
  if (order->step == Step::pack) return pack.scan(st, *order, scan);
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




bool Stations::Impl::free_station_scan(StationRt& st, const PendingScan& scan) {
  if (st.has("returns"))
    if (auto handled = returns.identify(st, scan)) return *handled;
  auto id = identify(scan);
  if (!id.order) {
    if (st.has("pack") || st.has("ship"))
      refuse(st, nullptr, scan, "unknown_order", "Unknown order or parcel: scan the order, tote or label barcode.");
    else
      refuse(st, nullptr, scan, "no_order", "No order at this station: wait for the next order.");
    return false;
  }
  auto& order = *id.order;
  if (order.status != OrderStatus::active) {
    refuse_blocked(st, order, scan);
    return false;
  }
  if (id.voided_label) {
    refuse(st, &order, scan, "label_voided", "This label was voided: use the new label of the order.");
    return false;
  }
  if (order.step == Step::pack && st.has("pack")) {
    if (!order.station.empty() && order.station != st.id) {
      refuse(st, &order, scan, "order_elsewhere", "This order is being packed at station " + order.station + ".");
      return false;
    }
    if (order.phase == Phase::verify && !id.sscc.empty()) {
      order.station = st.id;
      st.current = order.order_id;
      return pack.verify(st, order, scan, id);
    }
    return pack.start(st, order, scan);
  }
  if (order.step == Step::ship && st.has("ship")) return ship.scan(st, order, scan);
  if (order.step == Step::pick) {
    refuse(st, &order, scan, "not_picked", "This order is not picked yet.");
    return false;
  }
  refuse(st, &order, scan, "wrong_step",
         "This order is at step " + std::string(to_string(order.step)) + ", which this station does not do.");
  return false;
}

}  // namespace wedge::station
