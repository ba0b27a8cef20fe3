// PackStep (pack_step.hpp): identify the picked order at the pack station, weigh the parcel, and
// verify its shipping label (printed by LabelStep).
#include "daemon/station/pack_step.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>

#include "daemon/station/parcels.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

// The weight fields of pack.started, weight.ok and weight.mismatch.
void add_weight(StationContext::Json& data, const ParcelWeight& weight) {
  data["expected_grams"] = weight.expected_grams;
  data["allowed_deviation_grams"] = weight.allowed_deviation_grams;
  data["weight_basis"] = to_string(weight.basis);
  data["ordered_grams"] = weight.ordered_grams;
  data["picked_grams"] = weight.picked_grams ? json::value(*weight.picked_grams) : json::value(nullptr);
}

}  // namespace

PackStep::PackStep(StationContext& ctx, LabelStep& label) : ctx_(ctx), label_(label), parcels_(ctx, label, *this) {}

bool PackStep::scan(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  auto id = ctx_.identify(scan);
  switch (order.phase) {
    case Phase::identify:
      if (id.order == &order) return start(st, order, scan);
      ctx_.refuse(st, &order, scan, "wrong_order", "Scan the order or tote barcode of " + order.order_id + ".");
      return false;
    case Phase::weigh:
      if (parcels_.is_new_parcel(st, scan)) return parcels_.new_parcel(st, order, scan);
      ctx_.refuse(st, &order, scan, "weighing", "Wait for the weight: put the parcel on the scale.");
      return false;
    case Phase::fill:
      if (parcels_.is_new_parcel(st, scan)) return parcels_.new_parcel(st, order, scan);
      return parcels_.fill(st, order, scan);
    case Phase::label:
      ctx_.refuse(st, &order, scan, "label_printing", "Wait for the label to print.");
      return false;
    case Phase::label_failed:
      if (id.order == &order && !id.voided_label) {
        label_.print(&st, order);
        ctx_.show(st, "attention", "label_reprint", "Printing the label again.", scan.text());
        return false;
      }
      ctx_.refuse(st, &order, scan, "label_failed", "The label failed: scan the order barcode to print it again.");
      return false;
    case Phase::verify:
      return verify(st, order, scan, id);
    default:
      ctx_.refuse(st, &order, scan, "wrong_step", "This order is not being packed.");
      return false;
  }
}

bool PackStep::start(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  Json data = order_position(order);
  data["barcode"] = scan.text();
  add_weight(data, ctx_.expected_weight(st, order));
  ctx_.commit(station, order_id, event::kPackStarted, std::move(data),
         [this, station, order_id, scan] {
           auto& s = ctx_.stations.at(station);
           auto* o = ctx_.find_order(order_id);
           if (o && o->status == OrderStatus::active && o->step == Step::pack) {
             o->station = station;
             if (o->times["pack"].started_unix_ms == 0) o->times["pack"].started_unix_ms = ctx_.now_ms();
             s.current = order_id;
             if (o->parcels.empty() && !o->pick_list.parcels.empty()) o->parcels = planned_parcels(*o);
             if (multi_parcel(*o)) {
               // Back to the parcel being packed (after a set-aside, or the first planned one).
               ctx_.show(s, "accepted", "accepted", "Packing " + order_id + " in parcels.", scan.text());
               if (!parcels_.resume(&s, *o)) ctx_.save(*o);
             } else {
               o->phase = Phase::weigh;
               ctx_.save(*o);
               ctx_.show(s, "accepted", "accepted", "Put the parcel on the scale.", scan.text());
               arm_weigh(s);
             }
           }
           ctx_.finish_scan(station);
         },
         [this, station, scan](const outbox::AppendResult& result) {
           ctx_.refuse_outbox(ctx_.stations.at(station), scan, result);
           ctx_.finish_scan(station);
         });
  return true;
}

void PackStep::arm_weigh(StationRt& st, std::chrono::milliseconds delay) {
  const auto generation = ++st.weigh_generation;
  const std::string station = st.id;
  // The scale answers on the loop; the context's guard drops the answer once the stations are gone.
  auto ask = [this, alive = ctx_.alive(), station, generation] {
    // A reload may have removed the station meanwhile (daemon/station/stations.hpp, reconfigure).
    if (!alive() || ctx_.stations.count(station) == 0) return;
    auto& s = ctx_.stations.at(station);
    if (s.weigh_generation != generation || !s.scale) return;
    s.scale->async_next_stable(ctx_.options.weigh_timeout, [this, alive, station, generation](
                                                               const drivers::scale::StableResult& r) {
      if (!alive() || ctx_.stations.count(station) == 0) return;
      auto& s2 = ctx_.stations.at(station);
      auto* order = ctx_.current_order(s2);
      if (s2.weigh_generation != generation || !order || order->status != OrderStatus::active ||
          order->phase != Phase::weigh)
        return;
      if (!r) {
        s2.attention = r.error().code == drivers::scale::ScaleError::timeout
                           ? "No stable weight yet: put the parcel on the scale and keep it still."
                           : "Scale problem: " + r.reason();
        ctx_.signal(s2, "attention");
        ctx_.notify(s2);
        arm_weigh(s2, r.error().code == drivers::scale::ScaleError::timeout ? std::chrono::milliseconds(0)
                                                                            : ctx_.options.scale_retry);
        return;
      }
      s2.attention.clear();
      weigh(station, order->order_id, r->grams);
    });
  };
  if (!st.scale) {
    st.attention = "This station has no scale: the parcel cannot be weighed.";
    ctx_.notify(st);
    return;
  }
  if (delay.count() == 0) {
    ask();
    return;
  }
  st.retry_timer->expires_after(delay);
  st.retry_timer->async_wait([ask](const boost::system::error_code& ec) {
    if (!ec) ask();
  });
}

void PackStep::weigh(const std::string& station, const std::string& order_id, double grams) {
  auto* order = ctx_.find_order(order_id);
  if (!order) return;
  const auto weight = ctx_.expected_weight(ctx_.stations.at(station), *order);
  const double expected = weight.expected_grams;
  const double allowed = weight.allowed_deviation_grams;
  const double deviation = grams - expected;
  const bool ok = std::fabs(deviation) <= allowed;
  Json data = order_position(*order);
  data["measured_grams"] = grams;
  add_weight(data, weight);
  data["deviation_grams"] = deviation;
  data["parcel"] = parcel_number(*order);
  const auto generation = ctx_.stations.at(station).weigh_generation;
  auto still_weighing = [this, station, order_id, generation]() -> OrderRecord* {
    auto& s = ctx_.stations.at(station);
    auto* o = ctx_.find_order(order_id);
    if (s.weigh_generation != generation || !o || o->phase != Phase::weigh || o->status != OrderStatus::active)
      return nullptr;
    return o;
  };
  auto refused = [this, station](const outbox::AppendResult& result) {
    auto& s = ctx_.stations.at(station);
    s.attention = "Weight not recorded (" + outbox_refusal_code(result) + "): weighing again.";
    ctx_.signal(s, "attention");
    ctx_.notify(s);
    arm_weigh(s, ctx_.options.scale_retry);
  };
  if (ok) {
    ctx_.commit(station, order_id, event::kWeightOk, std::move(data),
           [this, station, grams, still_weighing] {
             auto* o = still_weighing();
             if (!o) return;
             if (auto* parcel = current_parcel(*o)) {
               parcel->measured_grams = grams;
               double total = 0;
               for (const auto& p : o->parcels) total += p.measured_grams.value_or(0);
               o->measured_grams = total;
             } else {
               o->measured_grams = grams;
             }
             o->phase = Phase::label;
             ctx_.save(*o);
             auto& s = ctx_.stations.at(station);
             ctx_.show(s, "accepted", "weight_ok", "Weight OK: printing the label.", "");
             label_.print(&s, *o);
           },
           refused);
    return;
  }
  ctx_.commit(station, order_id, event::kWeightMismatch, std::move(data),
         [this, station, order_id, grams, expected, allowed, still_weighing] {
           auto* o = still_weighing();
           if (!o) return;
           // A parcel keeps no weight that failed: it is weighed again when the order is released.
           if (!multi_parcel(*o)) o->measured_grams = grams;
           o->status = OrderStatus::held;
           o->hold_reason = "weight_mismatch";
           // Saved in stations.db, where the OMS's order.release finds it held (command_checks.hpp).
           ctx_.save(*o);
           auto& s = ctx_.stations.at(station);
           ++s.weigh_generation;
           Json held = order_position(*o);
           held["reason"] = "weight_mismatch";
           held["intercepted_step"] = "pack";
           held["by"] = "station";
           ctx_.commit(station, order_id, event::kOrderHeld, std::move(held), {});
           ctx_.show(s, "refused", "weight_mismatch",
                "Weight " + std::to_string(static_cast<long long>(std::lround(grams))) + " g, expected " +
                    std::to_string(static_cast<long long>(std::lround(expected))) + " ± " +
                    std::to_string(static_cast<long long>(std::lround(allowed))) +
                    " g: order held, call a supervisor.",
                "");
         },
         refused);
}

bool PackStep::verify(StationRt& st, OrderRecord& order, const PendingScan& scan, const Identified& id) {
  if (id.order == &order && id.voided_label) {
    ctx_.refuse(st, &order, scan, "label_voided", "This label was voided: use the new label.");
    return false;
  }
  const auto& label = label_of(order);
  const bool by_sscc = !label.sscc.empty() && id.sscc == label.sscc;
  const bool by_tracking = label.sscc.empty() && scan.text() == label.tracking;
  if (!by_sscc && !by_tracking) {
    ctx_.refuse(st, &order, scan, "wrong_label",
                multi_parcel(order) ? "This is not the label of parcel " + std::to_string(parcel_number(order)) +
                                          " of order " + order.order_id + "."
                                    : "This is not the label of order " + order.order_id + ".");
    return false;
  }
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  Json data = order_position(order);
  data["sscc"] = label.sscc;
  data["tracking"] = label.tracking;
  data["barcode"] = scan.text();
  data["parcel"] = parcel_number(order);
  auto refused = [this, station, scan](const outbox::AppendResult& result) {
    ctx_.refuse_outbox(ctx_.stations.at(station), scan, result);
    ctx_.finish_scan(station);
  };
  ctx_.commit(station, order_id, event::kLabelVerified, std::move(data),
         [this, station, order_id, scan] {
           auto* o = ctx_.find_order(order_id);
           if (!o || o->status != OrderStatus::active || o->phase != Phase::verify) return ctx_.finish_scan(station);
           label_of(*o).state = LabelState::verified;
           ctx_.save(*o);
           if (multi_parcel(*o)) return parcel_packed(station, order_id, scan);
           complete(station, order_id, scan);
         },
         refused);
  return true;
}

void PackStep::parcel_packed(const std::string& station, const std::string& order_id, const PendingScan& scan) {
  auto* o = ctx_.find_order(order_id);
  auto* parcel = o ? current_parcel(*o) : nullptr;
  if (!parcel) return ctx_.finish_scan(station);
  Json data = order_position(*o);
  data["parcel"] = parcel->number;
  data["lines"] = parcel_lines_json(*o, *parcel);
  data["units"] = parcel->unit_count();
  data["expected_grams"] = parcel_weight(*o, *parcel).expected_grams;
  data["measured_grams"] = parcel->measured_grams ? json::value(*parcel->measured_grams) : json::value(nullptr);
  data["sscc"] = parcel->label.sscc;
  data["tracking"] = parcel->label.tracking;
  const auto number = parcel->number;
  ctx_.commit(station, order_id, event::kParcelPacked, std::move(data),
         [this, station, order_id, scan, number] {
           auto* o2 = ctx_.find_order(order_id);
           auto* p = o2 ? parcel_by_number(*o2, number) : nullptr;
           if (!p || o2->status != OrderStatus::active || o2->step != Step::pack) return ctx_.finish_scan(station);
           p->packed = true;
           auto& s = ctx_.stations.at(station);
           if (parcels_.resume(&s, *o2)) {
             ctx_.show(s, "accepted", "parcel_packed",
                       "Parcel " + std::to_string(number) + " packed: go on with parcel " +
                           std::to_string(parcel_number(*o2)) + ".",
                       scan.text());
             return ctx_.finish_scan(station);
           }
           ctx_.save(*o2);
           complete(station, order_id, scan);
         },
         [this, station, scan](const outbox::AppendResult& result) {
           ctx_.refuse_outbox(ctx_.stations.at(station), scan, result);
           ctx_.finish_scan(station);
         });
}

void PackStep::complete(const std::string& station, const std::string& order_id, const PendingScan& scan) {
  auto* o = ctx_.find_order(order_id);
  if (!o) return ctx_.finish_scan(station);
  const auto& first = o->parcels.empty() ? o->label : o->parcels.front().label;
  auto& times = o->times["pack"];
  Json done = order_position(*o);
  done["measured_grams"] = o->measured_grams ? json::value(*o->measured_grams) : json::value(nullptr);
  done["sscc"] = first.sscc;
  done["tracking"] = first.tracking;
  done["started_unix_ms"] = times.started_unix_ms;
  done["duration_ms"] = times.started_unix_ms > 0 ? ctx_.now_ms() - times.started_unix_ms : 0;
  done["parcels"] = parcels_json(*o);
  ctx_.commit(station, order_id, event::kPackCompleted, std::move(done),
         [this, station, order_id, scan] {
           auto* o2 = ctx_.find_order(order_id);
           auto& s = ctx_.stations.at(station);
           if (o2 && o2->status == OrderStatus::active && o2->step == Step::pack) {
             o2->times["pack"].finished_unix_ms = ctx_.now_ms();
             o2->times["ship"].started_unix_ms = ctx_.now_ms();
             o2->step = Step::ship;
             o2->phase = Phase::identify;
             o2->station.clear();
             ctx_.save(*o2);
             ctx_.show(s, "accepted", "accepted",
                       multi_parcel(*o2) ? "Last label verified: pack complete (" +
                                               std::to_string(o2->parcels.size()) + " parcels)."
                                         : std::string("Label verified: pack complete."),
                       scan.text());
             if (s.current == order_id) ctx_.free_station(s);
           }
           ctx_.finish_scan(station);
         },
         [this, station, scan](const outbox::AppendResult& result) {
           ctx_.refuse_outbox(ctx_.stations.at(station), scan, result);
           ctx_.finish_scan(station);
         });
}

}  // namespace wedge::station
