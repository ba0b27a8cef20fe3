// OperatorActions (operator_actions.hpp): next order and reprint label, for a station
// whose picker has no scanner at hand. Each goes through the same path as the scan it stands for.
#include <spdlog/spdlog.h>

#include "daemon/station/operator_actions.hpp"
#include "daemon/station/parcels.hpp"

namespace wedge::station {

namespace {

ActionResult refused(std::string reason, bool not_here = false, std::string order_id = {}) {
  return ActionRefusal{not_here ? core::Errc::invalid_argument : core::Errc::failed_precondition, std::move(reason),
                       std::move(order_id)};
}

ActionResult done_with(std::string message, std::string order_id) {
  return ActionTaken{std::move(message), std::move(order_id)};
}

}  // namespace

OperatorActions::OperatorActions(StationContext& ctx, LabelStep& label, ScanInput scan)
    : ctx_(ctx), label_(label), scan_(std::move(scan)) {}

void OperatorActions::next_order(const std::string& station, Stations::ActionDone done) {
  auto reply = [&done](ActionResult r) {
    if (done) done(std::move(r));
  };
  auto it = ctx_.stations.find(station);
  if (it == ctx_.stations.end() || !ctx_.running) return reply(refused("no such station", true));
  auto& st = it->second;
  if (auto* order = ctx_.current_order(st)) {
    if (order->status == OrderStatus::active)
      return reply(refused("finish order " + order->order_id + " first (or declare its missing lines short)", false,
                           order->order_id));
    // A cancelled or held order: the same as scanning its barcode once the items are back.
    const std::string order_id = order->order_id;
    scan_(st, PendingScan{order_id, "", {}});
    return reply(done_with("setting order " + order_id + " aside", order_id));
  }
  if (st.has("pack")) {
    // The oldest picked order waiting for a pack station, as if its order barcode had been
    // scanned here (any pack station may pack any order by its scan).
    const OrderRecord* oldest = nullptr;
    for (const auto& [id, order] : ctx_.orders)
      if (order.status == OrderStatus::active && order.step == Step::pack && order.phase == Phase::identify &&
          order.station.empty() && (!oldest || order.rank < oldest->rank))
        oldest = &order;
    if (!oldest) return reply(refused("no picked order is waiting to be packed"));
    const std::string order_id = oldest->order_id;
    scan_(st, PendingScan{order_id, "", {}});
    return reply(done_with("packing order " + order_id, order_id));
  }
  if (st.has("pick"))
    return reply(refused("no order is waiting: the next pick list starts here as soon as it arrives"));
  return reply(refused("a ship station takes parcels by their scan, not from a list", true));
}

void OperatorActions::reprint(const std::string& station, Stations::ActionDone done) {
  auto reply = [&done](ActionResult r) {
    if (done) done(std::move(r));
  };
  auto it = ctx_.stations.find(station);
  if (it == ctx_.stations.end() || !ctx_.running) return reply(refused("no such station", true));
  auto& st = it->second;
  if (!st.has("pack")) return reply(refused("this station does not print shipping labels", true));
  auto* order = ctx_.current_order(st);
  if (!order || order->step != Step::pack) return reply(refused("no order is being packed here"));
  if (order->status != OrderStatus::active) return reply(refused(ctx_.blocked_message(*order), false, order->order_id));
  switch (order->phase) {
    case Phase::label:
      return reply(refused("the label is still printing", false, order->order_id));
    case Phase::label_failed:
      break;
    case Phase::verify:
      // The printed label is lost or damaged: it must never be accepted on another parcel.
      label_.void_label(*order, "reprint");
      break;
    default:
      return reply(refused("the label prints after the weight check", false, order->order_id));
  }
  const std::string order_id = order->order_id;
  spdlog::info("station={} order={} label reprint requested", station, order_id);
  ctx_.show(st, "attention", "label_reprint", "Printing the label again.", "");
  label_.print(&st, *order);
  // label_.print fails at once when no label can be made (template, SSCC, queue): say so.
  if (const auto* o = ctx_.find_order(order_id); o && o->phase == Phase::label_failed)
    return reply(refused("label failed: " + label_of(*o).error, false, order_id));
  reply(done_with("label sent to the printer", order_id));
}

void OperatorActions::new_parcel(const std::string& station, Stations::ActionDone done) {
  auto reply = [&done](ActionResult r) {
    if (done) done(std::move(r));
  };
  auto it = ctx_.stations.find(station);
  if (it == ctx_.stations.end() || !ctx_.running) return reply(refused("no such station", true));
  auto& st = it->second;
  if (!st.has("pack")) return reply(refused("this station does not pack", true));
  auto* order = ctx_.current_order(st);
  if (!order || order->step != Step::pack) return reply(refused("no order is being packed here"));
  if (order->status != OrderStatus::active) return reply(refused(ctx_.blocked_message(*order), false, order->order_id));
  if (order->phase != Phase::fill && !(order->phase == Phase::weigh && !multi_parcel(*order)))
    return reply(refused("a new parcel opens before the weight, or once the items of this parcel are scanned", false,
                         order->order_id));
  const std::string order_id = order->order_id;
  // The same path as the station's "new parcel" barcode; the verdict shows on the station.
  PendingScan scan{"", "", {}};
  scan.new_parcel = true;
  scan_(st, std::move(scan));
  reply(done_with("new parcel for order " + order_id, order_id));
}

}  // namespace wedge::station
