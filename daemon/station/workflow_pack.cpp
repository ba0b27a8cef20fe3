// The pack and ship steps of Stations (see station_impl.hpp): identify the order or parcel by
// scan, weigh, print and verify the label, ship.
//
// How an order is identified (docs/workflows.md): the scanned text equals the order id (Code 128
// on the pick list or tote label), or the scan is a GS1 (00) SSCC of the order's shipping label.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>

#include "daemon/print/template_path.hpp"
#include "daemon/gs1/gs1.hpp"
#include "daemon/station/station_impl.hpp"

namespace wedge::station {

namespace json = boost::json;

Stations::Impl::Identified Stations::Impl::identify(const PendingScan& scan) {
  Identified id;
  if (auto* order = find_order(scan.text())) {
    id.order = order;
    return id;
  }
  auto parsed = parse_scan(scan.data, scan.aim_id);
  if (!parsed || parsed.scan->sscc.empty()) return id;
  id.sscc = parsed.scan->sscc;
  for (auto& [order_id, order] : orders) {
    if (order.label.sscc == id.sscc) {
      id.order = &order;
      return id;
    }
    for (const auto& voided : order.label.voided_sscc)
      if (voided == id.sscc) {
        id.order = &order;
        id.voided_label = true;
      }
  }
  // A shipped or cancelled order no longer in memory, by its current label (voided labels of
  // those are not indexed: such a scan is an unknown parcel, refused all the same).
  if (!id.order)
    if (auto order_id = store.order_with_sscc(id.sscc)) id.order = find_order(*order_id);
  return id;
}

bool Stations::Impl::free_station_scan(StationRt& st, const PendingScan& scan) {
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
      return verify_scan(st, order, scan, id);
    }
    return start_pack(st, order, scan);
  }
  if (order.step == Step::ship && st.has("ship")) return ship_scan(st, order, scan);
  if (order.step == Step::pick) {
    refuse(st, &order, scan, "not_picked", "This order is not picked yet.");
    return false;
  }
  refuse(st, &order, scan, "wrong_step",
         "This order is at step " + std::string(to_string(order.step)) + ", which this station does not do.");
  return false;
}

bool Stations::Impl::pack_scan(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  auto id = identify(scan);
  switch (order.phase) {
    case Phase::identify:
      if (id.order == &order) return start_pack(st, order, scan);
      refuse(st, &order, scan, "wrong_order", "Scan the order or tote barcode of " + order.order_id + ".");
      return false;
    case Phase::weigh:
      refuse(st, &order, scan, "weighing", "Wait for the weight: put the parcel on the scale.");
      return false;
    case Phase::label:
      refuse(st, &order, scan, "label_printing", "Wait for the label to print.");
      return false;
    case Phase::label_failed:
      if (id.order == &order && !id.voided_label) {
        print_label(&st, order);
        show(st, "attention", "label_reprint", "Printing the label again.", scan.text());
        return false;
      }
      refuse(st, &order, scan, "label_failed", "The label failed: scan the order barcode to print it again.");
      return false;
    case Phase::verify:
      return verify_scan(st, order, scan, id);
    default:
      refuse(st, &order, scan, "wrong_step", "This order is not being packed.");
      return false;
  }
}

bool Stations::Impl::start_pack(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  Json data = order_position(order);
  data["barcode"] = scan.text();
  data["expected_grams"] = order.pick_list.expected_weight_grams();
  data["allowed_deviation_grams"] = order.pick_list.allowed_deviation_grams();
  commit(station, order_id, event::kPackStarted, std::move(data),
         [this, station, order_id, scan] {
           auto& s = stations.at(station);
           auto* o = find_order(order_id);
           if (o && o->status == OrderStatus::active && o->step == Step::pack) {
             o->station = station;
             o->phase = Phase::weigh;
             if (o->times["pack"].started_unix_ms == 0) o->times["pack"].started_unix_ms = now_ms();
             s.current = order_id;
             save(*o);
             show(s, "accepted", "accepted", "Put the parcel on the scale.", scan.text());
             arm_weigh(s);
           }
           finish_scan(station);
         },
         [this, station, scan](const outbox::AppendResult& result) {
           refuse_outbox(stations.at(station), scan, result);
           finish_scan(station);
         });
  return true;
}

void Stations::Impl::arm_weigh(StationRt& st, std::chrono::milliseconds delay) {
  const auto generation = ++st.weigh_generation;
  const std::string station = st.id;
  std::weak_ptr<Impl> weak = shared_from_this();
  auto ask = [weak, station, generation] {
    auto self = weak.lock();
    if (!self || !self->running) return;
    auto& s = self->stations.at(station);
    if (s.weigh_generation != generation || !s.scale) return;
    s.scale->async_next_stable(self->options.weigh_timeout, [weak, station, generation](
                                                                 const drivers::scale::StableResult& r) {
      auto self2 = weak.lock();
      if (!self2 || !self2->running) return;
      auto& s2 = self2->stations.at(station);
      auto* order = self2->current_order(s2);
      if (s2.weigh_generation != generation || !order || order->status != OrderStatus::active ||
          order->phase != Phase::weigh)
        return;
      if (!r.ok()) {
        s2.attention = r.error == drivers::scale::ScaleError::timeout
                           ? "No stable weight yet: put the parcel on the scale and keep it still."
                           : "Scale problem: " + r.reason;
        self2->signal(s2, "attention");
        self2->notify(s2);
        self2->arm_weigh(s2, r.error == drivers::scale::ScaleError::timeout ? std::chrono::milliseconds(0)
                                                                            : self2->options.scale_retry);
        return;
      }
      s2.attention.clear();
      self2->on_weight(station, order->order_id, r.reading.grams);
    });
  };
  if (!st.scale) {
    st.attention = "This station has no scale: the parcel cannot be weighed.";
    notify(st);
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

void Stations::Impl::on_weight(const std::string& station, const std::string& order_id, double grams) {
  auto* order = find_order(order_id);
  if (!order) return;
  const double expected = order->pick_list.expected_weight_grams();
  const double allowed = order->pick_list.allowed_deviation_grams();
  const double deviation = grams - expected;
  const bool ok = std::fabs(deviation) <= allowed;
  Json data = order_position(*order);
  data["measured_grams"] = grams;
  data["expected_grams"] = expected;
  data["allowed_deviation_grams"] = allowed;
  data["deviation_grams"] = deviation;
  const auto generation = stations.at(station).weigh_generation;
  auto still_weighing = [this, station, order_id, generation]() -> OrderRecord* {
    auto& s = stations.at(station);
    auto* o = find_order(order_id);
    if (s.weigh_generation != generation || !o || o->phase != Phase::weigh || o->status != OrderStatus::active)
      return nullptr;
    return o;
  };
  auto refused = [this, station](const outbox::AppendResult& result) {
    auto& s = stations.at(station);
    s.attention = "Weight not recorded (" + outbox_refusal_code(result) + "): weighing again.";
    signal(s, "attention");
    notify(s);
    arm_weigh(s, options.scale_retry);
  };
  if (ok) {
    commit(station, order_id, event::kWeightOk, std::move(data),
           [this, station, grams, still_weighing] {
             auto* o = still_weighing();
             if (!o) return;
             o->measured_grams = grams;
             o->phase = Phase::label;
             save(*o);
             auto& s = stations.at(station);
             show(s, "accepted", "weight_ok", "Weight OK: printing the label.", "");
             print_label(&s, *o);
           },
           refused);
    return;
  }
  commit(station, order_id, event::kWeightMismatch, std::move(data),
         [this, station, order_id, grams, expected, allowed, still_weighing] {
           auto* o = still_weighing();
           if (!o) return;
           o->measured_grams = grams;
           o->status = OrderStatus::held;
           o->hold_reason = "weight_mismatch";
           save(*o);
           // The OMS releases it with order.release, which the command journal only lets through
           // for orders it knows to be held; the journal's thread records the hold.
           journal.async_hold_for_station(order_id);
           auto& s = stations.at(station);
           ++s.weigh_generation;
           Json held = order_position(*o);
           held["reason"] = "weight_mismatch";
           held["intercepted_step"] = "pack";
           held["by"] = "station";
           commit(station, order_id, event::kOrderHeld, std::move(held), {});
           show(s, "refused", "weight_mismatch",
                "Weight " + std::to_string(static_cast<long long>(std::lround(grams))) + " g, expected " +
                    std::to_string(static_cast<long long>(std::lround(expected))) + " ± " +
                    std::to_string(static_cast<long long>(std::lround(allowed))) +
                    " g: order held, call a supervisor.",
                "");
         },
         refused);
}

void Stations::Impl::print_label(StationRt* st, OrderRecord& order) {
  const auto& pl = order.pick_list;
  std::string printer_id = order.label.printer_id;
  if (st && st->cfg && !st->cfg->printer.empty()) printer_id = st->cfg->printer;
  if (printer_id.empty()) return label_failed(order, "no printer for this station");
  std::string sscc_value;
  if (sscc) {
    auto next = sscc->next();
    if (!next) return label_failed(order, "no SSCC: " + next.error);
    sscc_value = next.sscc;
  }
  const std::string name = pl.label_template.empty() ? "shipping" : pl.label_template;
  auto tmpl = templates.find(name);
  if (tmpl == templates.end()) {
    const auto file = print::resolve_template_path(template_dir, name);
    if (!file) {
      // Nothing is sent to the printer; the engineer fixes the folder or the OMS the name.
      spdlog::warn("order={} label template {} refused: {}", order.order_id, name, file.error);
      return label_failed(order, "label template " + name + ": " + file.error);
    }
    auto loaded = print::ZplTemplate::load(file.path);
    if (!loaded) return label_failed(order, "label template " + name + ": " + loaded.error);
    tmpl = templates.emplace(name, std::move(*loaded.tmpl)).first;
  }
  print::FieldValues fields;
  for (const auto& [key, value] : pl.label_fields) fields[key] = value;
  const auto tracking_field = pl.label_fields.find("tracking");
  const std::string tracking = tracking_field != pl.label_fields.end() ? tracking_field->second
                               : !sscc_value.empty()                   ? sscc_value
                                                                       : order.order_id;
  fields["tracking"] = tracking;
  fields["order_id"] = order.order_id;
  fields["carrier"] = pl.carrier;
  fields["sscc"] = sscc_value;
  fields["station"] = st ? st->id : order.station;
  const ShipTo ship_to = pl.ship_to.value_or(ShipTo{});
  fields["ship_to_name"] = ship_to.name;
  fields["ship_to_line1"] = ship_to.address_lines.size() > 0 ? ship_to.address_lines[0] : "";
  fields["ship_to_line2"] = ship_to.address_lines.size() > 1 ? ship_to.address_lines[1] : "";
  fields["ship_to_postcode"] = ship_to.postcode;
  fields["ship_to_city"] = ship_to.postcode.empty() ? ship_to.city : ship_to.postcode + " " + ship_to.city;
  fields["ship_to_country"] = ship_to.country;
  auto filled = tmpl->second.fill(fields);
  if (!filled) return label_failed(order, "label template " + name + ": " + filled.error);
  auto job = print_queue.enqueue({"", printer_id, order.order_id, filled.zpl});
  if (!job) return label_failed(order, "print queue: " + job.error);
  order.label.state = LabelState::printing;
  order.label.job_id = job.id;
  order.label.printer_id = printer_id;
  order.label.sscc = sscc_value;
  order.label.tracking = tracking;
  order.label.error.clear();
  order.phase = Phase::label;
  save(order);
  spdlog::info("order={} label job={} printer={} sscc={}", order.order_id, job.id, printer_id, sscc_value);
  if (st) notify(*st);
}

void Stations::Impl::label_failed(OrderRecord& order, const std::string& reason) {
  order.label.state = LabelState::failed;
  order.label.error = reason;
  order.phase = Phase::label_failed;
  save(order);
  Json data = order_position(order);
  data["job_id"] = order.label.job_id;
  data["printer_id"] = order.label.printer_id;
  data["reason"] = reason;
  commit(order.station, order.order_id, event::kLabelFailed, std::move(data), {});
  if (auto* st = station_of(order)) {
    st->attention.clear();
    show(*st, "attention", "label_failed", "Label failed: " + reason, "");
  }
}

void Stations::Impl::void_label(OrderRecord& order, const std::string& reason) {
  if (order.label.sscc.empty() && order.label.job_id.empty()) return;
  Json data = order_position(order);
  data["job_id"] = order.label.job_id;
  data["sscc"] = order.label.sscc;
  data["reason"] = reason;
  if (!order.label.sscc.empty()) order.label.voided_sscc.push_back(order.label.sscc);
  order.label.sscc.clear();
  order.label.job_id.clear();
  order.label.state = LabelState::none;
  commit(order.station, order.order_id, event::kLabelVoided, std::move(data), {});
}

void Stations::Impl::on_print_outcome(const print::JobOutcome& outcome) {
  OrderRecord* order = nullptr;
  for (auto& [id, o] : orders)
    if (!o.label.job_id.empty() && o.label.job_id == outcome.job_id) order = &o;
  if (!order) return;  // a job of an older (voided) label, or not a shipping label
  const bool printed = outcome.state == print::JobState::printed;
  if (order->status == OrderStatus::cancelled) {
    if (printed) void_label(*order, "cancelled");
    save(*order);
    return;
  }
  if (!printed) return label_failed(*order, outcome.reason);
  const std::string order_id = order->order_id;
  Json data = order_position(*order);
  data["job_id"] = outcome.job_id;
  data["printer_id"] = outcome.printer_id;
  data["sscc"] = order->label.sscc;
  data["tracking"] = order->label.tracking;
  data["reprint_of"] = outcome.reprint_of;
  data["attempts"] = outcome.attempts;
  const std::string job_id = outcome.job_id;
  auto apply = [this, order_id, job_id] {
    auto* o = find_order(order_id);
    if (!o || o->label.job_id != job_id) return;
    o->label.state = LabelState::printed;
    o->phase = Phase::verify;
    save(*o);
    if (auto* st = station_of(*o)) show(*st, "attention", "label_printed", "Scan the shipping label to verify it.", "");
  };
  // The label exists whether or not the event could be stored: the state follows the paper.
  commit(order->station, order_id, event::kLabelPrinted, std::move(data), apply,
         [apply](const outbox::AppendResult&) { apply(); });
}

void Stations::Impl::resume_label(OrderRecord& order) {
  if (order.label.job_id.empty()) return print_label(station_of(order), order);
  auto job = print_queue.find(order.label.job_id);
  if (!job) return label_failed(order, "print job " + order.label.job_id + " is gone");
  if (job->state == print::JobState::printed || job->state == print::JobState::failed) {
    print::JobOutcome outcome;
    outcome.job_id = job->id;
    outcome.printer_id = job->printer_id;
    outcome.order_id = job->order_id;
    outcome.reprint_of = job->reprint_of;
    outcome.state = job->state;
    outcome.reason = job->last_error;
    outcome.attempts = job->attempts;
    on_print_outcome(outcome);
  }
  // queued / sending: the queue reports the outcome when it is known.
}

bool Stations::Impl::verify_scan(StationRt& st, OrderRecord& order, const PendingScan& scan, const Identified& id) {
  if (id.order == &order && id.voided_label) {
    refuse(st, &order, scan, "label_voided", "This label was voided: use the new label.");
    return false;
  }
  const bool by_sscc = !order.label.sscc.empty() && id.sscc == order.label.sscc;
  const bool by_tracking = order.label.sscc.empty() && scan.text() == order.label.tracking;
  if (!by_sscc && !by_tracking) {
    refuse(st, &order, scan, "wrong_label", "This is not the label of order " + order.order_id + ".");
    return false;
  }
  const std::string station = st.id;
  const std::string order_id = order.order_id;
  Json data = order_position(order);
  data["sscc"] = order.label.sscc;
  data["tracking"] = order.label.tracking;
  data["barcode"] = scan.text();
  auto refused = [this, station, scan](const outbox::AppendResult& result) {
    refuse_outbox(stations.at(station), scan, result);
    finish_scan(station);
  };
  commit(station, order_id, event::kLabelVerified, std::move(data),
         [this, station, order_id, scan, refused] {
           auto* o = find_order(order_id);
           if (!o || o->status != OrderStatus::active || o->phase != Phase::verify) return finish_scan(station);
           o->label.state = LabelState::verified;
           save(*o);
           auto& times = o->times["pack"];
           Json done = order_position(*o);
           done["measured_grams"] = o->measured_grams ? json::value(*o->measured_grams) : json::value(nullptr);
           done["sscc"] = o->label.sscc;
           done["tracking"] = o->label.tracking;
           done["started_unix_ms"] = times.started_unix_ms;
           done["duration_ms"] = times.started_unix_ms > 0 ? now_ms() - times.started_unix_ms : 0;
           commit(station, order_id, event::kPackCompleted, std::move(done),
                  [this, station, order_id, scan] {
                    auto* o2 = find_order(order_id);
                    auto& s = stations.at(station);
                    if (o2 && o2->status == OrderStatus::active && o2->step == Step::pack) {
                      o2->times["pack"].finished_unix_ms = now_ms();
                      o2->times["ship"].started_unix_ms = now_ms();
                      o2->step = Step::ship;
                      o2->phase = Phase::identify;
                      o2->station.clear();
                      save(*o2);
                      show(s, "accepted", "accepted", "Label verified: pack complete.", scan.text());
                      if (s.current == order_id) free_station(s);
                    }
                    finish_scan(station);
                  },
                  refused);
         },
         refused);
  return true;
}

bool Stations::Impl::ship_scan(StationRt& st, OrderRecord& order, const PendingScan& scan) {
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
  data["duration_ms"] = times.started_unix_ms > 0 ? now_ms() - times.started_unix_ms : 0;
  commit(station, order_id, event::kShipped, std::move(data),
         [this, station, order_id, scan] {
           auto* o = find_order(order_id);
           auto& s = stations.at(station);
           if (o && o->step == Step::ship && o->status == OrderStatus::active) {
             o->times["ship"].finished_unix_ms = now_ms();
             o->step = Step::done;
             o->phase = Phase::shipped;
             o->status = OrderStatus::shipped;
             o->ended_unix_ms = now_ms();
             o->station.clear();
             save(*o);
             s.last_order = order_id;
             show(s, "accepted", "accepted", "Shipped: " + order_id + ".", scan.text());
           }
           finish_scan(station);
         },
         [this, station, scan](const outbox::AppendResult& result) {
           refuse_outbox(stations.at(station), scan, result);
           finish_scan(station);
         });
  return true;
}

}  // namespace wedge::station
