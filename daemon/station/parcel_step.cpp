// ParcelStep (parcel_step.hpp): open, fill and close the parcels of an order packed in several.
#include "daemon/station/parcel_step.hpp"

#include <spdlog/spdlog.h>

#include "daemon/station/pack_step.hpp"
#include "daemon/station/parcels.hpp"

namespace wedge::station {

namespace {

constexpr std::string_view kNewParcelKey = "new_parcel_barcode";

std::string parcel_name(const OrderRecord& order) { return "Parcel " + std::to_string(parcel_number(order)); }

}  // namespace

ParcelStep::ParcelStep(StationContext& ctx, LabelStep& label, PackStep& pack) : ctx_(ctx), label_(label), pack_(pack) {}

bool ParcelStep::is_new_parcel(const StationRt& st, const PendingScan& scan) const {
  if (scan.new_parcel) return true;
  const auto& settings = st.cfg->settings;
  if (!settings.has(kNewParcelKey)) return false;
  const std::string barcode = settings.get_string(kNewParcelKey);
  return !barcode.empty() && scan.text() == barcode;
}

bool ParcelStep::new_parcel(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const std::string barcode = scan.new_parcel ? std::string() : scan.text();
  if (order.phase == Phase::weigh && !multi_parcel(order)) {
    // Nothing weighed yet: the order goes in several parcels, starting with parcel 1.
    ++st.weigh_generation;
    order.parcels.push_back(new_parcel_record(order));
    order.phase = Phase::fill;
    ctx_.save(order);
    spdlog::info("station={} order={} packed in several parcels", st.id, order.order_id);
    ctx_.show(st, "accepted", "parcel_opened", "Parcel 1 open: scan each item you put in it.", barcode);
    return false;
  }
  auto* parcel = current_parcel(order);
  if (order.phase != Phase::fill || !parcel) {
    ctx_.refuse(st, &order, scan, "parcel_not_open",
                "A new parcel opens before the weight, or once the items of this parcel are scanned.");
    return false;
  }
  if (parcel->unit_count() == 0) {
    ctx_.refuse(st, &order, scan, "parcel_empty", parcel_name(order) + " is empty: scan the items you put in it first.");
    return false;
  }
  parcel->closed = true;
  const auto closed = parcel->number;
  if (total_units_left(order) > 0) order.parcels.push_back(new_parcel_record(order));
  ctx_.show(st, "accepted", "parcel_closed",
            "Parcel " + std::to_string(closed) + " closed: put it on the scale.", barcode);
  if (!resume(&st, order)) ctx_.save(order);
  return false;
}

bool ParcelStep::fill(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  auto* parcel = current_parcel(order);
  if (!parcel) {
    ctx_.refuse(st, &order, scan, "wrong_step", "This order is not being packed.");
    return false;
  }
  // What is left outside every parcel is what this scan may still put in one: the pick check's
  // "open" quantity of each line is set to it.
  const auto left = units_left(order);
  PickState state;
  state.lines.resize(order.pick_list.lines.size());
  for (std::size_t i = 0; i < left.size(); ++i) state.lines[i].picked = order.pick_list.lines[i].qty - left[i];
  const auto decision = check_scan(order.pick_list, state, scan.data, scan.aim_id, ctx_.check_options(st));
  if (!decision.accepted()) {
    const bool none_left = decision.code == "over_pick";
    Json extra;
    if (decision.line >= 0) extra["line"] = decision.line;
    if (!decision.sku.empty()) extra["sku"] = decision.sku;
    ctx_.refuse(st, &order, scan, none_left ? "already_in_parcel" : decision.code,
                none_left ? "Every unit of this item is already in a parcel." : decision.message, decision.detail,
                std::move(extra));
    return false;
  }
  parcel->units[static_cast<std::size_t>(decision.line)] += decision.qty;
  const std::string message = parcel_name(order) + ": " + std::to_string(parcel->unit_count()) + " item(s).";
  if (total_units_left(order) > 0) {
    ctx_.save(order);
    ctx_.show(st, "accepted", "parcel_item", message, scan.text());
    return false;
  }
  // The last unit: this is the last parcel, and it is weighed now.
  parcel->closed = true;
  ctx_.show(st, "accepted", "parcel_item", message + " Last item: put the parcel on the scale.", scan.text());
  if (!resume(&st, order)) ctx_.save(order);
  return false;
}

bool ParcelStep::resume(StationRt* st, OrderRecord& order) {
  auto* parcel = current_parcel(order);
  if (!parcel) {
    // Planned parcels are all there is; otherwise what is still outside goes in a new parcel.
    if (!order.pick_list.parcels.empty() || total_units_left(order) <= 0) return false;
    order.parcels.push_back(new_parcel_record(order));
    parcel = &order.parcels.back();
  }
  order.phase = parcel_phase(*parcel);
  ctx_.save(order);
  switch (order.phase) {
    case Phase::weigh:
      if (st) pack_.arm_weigh(*st);
      break;
    case Phase::label:
      if (parcel->label.state == LabelState::none) label_.print(st, order);
      break;
    default:
      break;
  }
  if (st) ctx_.notify(*st);
  return true;
}

}  // namespace wedge::station
