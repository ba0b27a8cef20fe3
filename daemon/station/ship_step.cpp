// ShipStep (ship_step.hpp): a verified parcel scanned at a ship station is shipped.
#include "daemon/station/ship_step.hpp"

#include <boost/json.hpp>

namespace wedge::station {

namespace json = boost::json;

ShipStep::ShipStep(StationContext& ctx) : ctx_(ctx) {}

bool ShipStep::scan(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  auto& times = order.times["ship"];
  Json data = order_position(order);
  data["barcode"] = scan.text();
  data["carrier"] = order.pick_list.carrier;
  data["tracking"] = order.label.tracking;
  data["sscc"] = order.label.sscc;
  data["measured_grams"] = order.measured_grams ? json::value(*order.measured_grams) : json::value(nullptr);
  data["started_unix_ms"] = times.started_unix_ms;
  data["duration_ms"] = times.started_unix_ms > 0 ? ctx_.now_ms() - times.started_unix_ms : 0;
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
