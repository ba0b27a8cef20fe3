// ShipStep (ship_step.hpp): a verified parcel scanned at a ship station is shipped; an order in
// several parcels once every parcel was scanned.
#include "daemon/station/ship_step.hpp"

#include <boost/json.hpp>

#include "daemon/station/parcels.hpp"

namespace wedge::station {

namespace json = boost::json;

ShipStep::ShipStep(StationContext& ctx) : ctx_(ctx) {}

bool ShipStep::scan(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  if (!st.loading.empty() && st.loading != order.order_id) {
    auto* other = ctx_.find_order(st.loading);
    if (other && other->status == OrderStatus::active && other->step == Step::ship &&
        !parcels_to_load(*other).empty()) {
      ctx_.refuse(st, &order, scan, "other_order",
                  "This parcel is of order " + order.order_id + ": finish order " + other->order_id +
                      " first — scan parcel " + number_list(parcels_to_load(*other)) + ".");
      return false;
    }
    st.loading.clear();  // that order ended (shipped, cancelled, held) or went back to pack
  }
  if (multi_parcel(order)) return load_parcel(st, order, scan);
  return ship(st, order, scan);
}

bool ShipStep::load_parcel(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const auto id = ctx_.identify(scan);
  auto* parcel = id.order == &order && id.parcel > 0 ? parcel_by_number(order, id.parcel) : nullptr;
  const std::string total = std::to_string(order.parcels.size());
  if (!parcel) {
    ctx_.refuse(st, &order, scan, "scan_parcels",
                "Order " + order.order_id + " ships in " + total + " parcels: scan the label of each (still to scan: " +
                    number_list(parcels_to_load(order)) + ").");
    return false;
  }
  // Every parcel loaded already: the order's shipping was refused by the outbox, try it again.
  if (parcel->loaded && !parcels_to_load(order).empty()) {
    ctx_.refuse(st, &order, scan, "already_loaded",
                "Parcel " + std::to_string(parcel->number) + " was already scanned: scan parcel " +
                    number_list(parcels_to_load(order)) + ".");
    return false;
  }
  parcel->loaded = true;
  order.loading_station = st.id;
  const auto left = parcels_to_load(order);
  if (left.empty()) {
    st.loading.clear();
    ctx_.save(order);
    return ship(st, order, scan);
  }
  st.loading = order.order_id;
  ctx_.save(order);
  ctx_.show(st, "accepted", "parcel_loaded",
            "Parcel " + std::to_string(parcel->number) + " of " + total + ": scan parcel " + number_list(left) +
                " — order " + order.order_id + " ships with all of them.",
            scan.text());
  return false;
}

bool ShipStep::ship(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  auto& times = order.times["ship"];
  Json data = order_position(order);
  data["barcode"] = scan.text();
  data["carrier"] = order.pick_list.carrier;
  const auto& first = order.parcels.empty() ? order.label : order.parcels.front().label;
  data["tracking"] = first.tracking;
  data["sscc"] = first.sscc;
  data["measured_grams"] = order.measured_grams ? json::value(*order.measured_grams) : json::value(nullptr);
  data["started_unix_ms"] = times.started_unix_ms;
  data["duration_ms"] = times.started_unix_ms > 0 ? ctx_.now_ms() - times.started_unix_ms : 0;
  data["parcels"] = parcels_json(order);
  ctx_.commit(station, order_id, event::kShipped, std::move(data),
         [this, station, order_id, scan] {
           auto* o = ctx_.find_order(order_id);
           auto& s = ctx_.stations.at(station);
           if (o && o->step == Step::ship && o->status == OrderStatus::active) {
             o->times["ship"].finished_unix_ms = ctx_.now_ms();
             o->step = Step::done;
             o->phase = Phase::shipped;
             o->status = OrderStatus::shipped;
             o->ended_unix_ms = ctx_.now_ms();
             o->station.clear();
             ctx_.save(*o);
             s.last_order = order_id;
             ctx_.show(s, "accepted", "accepted", "Shipped: " + order_id + ".", scan.text());
           }
           ctx_.finish_scan(station);
         },
         [this, station, scan](const outbox::AppendResult& result) {
           ctx_.refuse_outbox(ctx_.stations.at(station), scan, result);
           ctx_.finish_scan(station);
         });
  return true;
}

}  // namespace wedge::station
