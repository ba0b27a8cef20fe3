// LabelStep (label_step.hpp): the shipping label of a packed order — fill the template, queue the
// job, follow its outcome, void and reprint.
#include "daemon/station/label_step.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "daemon/config/schema_settings.hpp"
#include "daemon/print/printer_prompt.hpp"
#include "daemon/print/schema.hpp"
#include "daemon/print/template_path.hpp"
#include "daemon/station/parcels.hpp"

namespace wedge::station {

namespace {

std::string printing_template_dir(const config::Config& config) {
  return config::SchemaSettings::of(config, "printing").get_string("template_dir");
}

std::unique_ptr<print::SsccGenerator> make_sscc(const config::Config& config, const std::string& state_dir) {
  const auto printing = config::SchemaSettings::of(config, "printing");
  // No printing section, or no company prefix: labels carry no SSCC.
  if (!printing.present() || !printing.values().has("gs1_company_prefix")) return nullptr;
  return std::make_unique<print::SsccGenerator>(print::sscc_options(printing.values(), state_dir));
}

}  // namespace

LabelStep::LabelStep(StationContext& ctx, const std::string& state_dir)
    : ctx_(ctx),
      sscc_(make_sscc(ctx.config, state_dir)),
      template_dir_(ctx.options.template_dir.empty() ? printing_template_dir(ctx.config) : ctx.options.template_dir) {}

void LabelStep::reload_templates() {
  if (ctx_.options.template_dir.empty()) template_dir_ = printing_template_dir(ctx_.config);
  templates_.clear();
}

void LabelStep::print(StationRt* st, OrderRecord& order) {
  const auto& pl = order.pick_list;
  const std::int64_t parcel = parcel_number(order);
  std::string printer_id = label_of(order).printer_id;
  if (st && st->cfg && !st->cfg->printer.empty()) printer_id = st->cfg->printer;
  if (printer_id.empty()) return fail(order, "no printer for this station");
  if (const auto* carrier = pl.carrier_label(parcel))
    return queue(st, order, printer_id, carrier->zpl, "", carrier->tracking);
  std::string sscc_value;
  if (sscc_) {
    auto next = sscc_->next();
    if (!next) return fail(order, "no SSCC: " + next.error().reason);
    sscc_value = *next;
  }
  const std::string name = pl.label_template.empty() ? "shipping" : pl.label_template;
  auto tmpl = templates_.find(name);
  if (tmpl == templates_.end()) {
    const auto file = print::resolve_template_path(template_dir_, name);
    if (!file) {
      // Nothing is sent to the printer; the engineer fixes the folder or the OMS the name.
      spdlog::warn("order={} label template {} refused: {}", order.order_id, name, file.error().reason);
      return fail(order, "label template " + name + ": " + file.error().reason);
    }
    auto loaded = print::ZplTemplate::load(*file);
    if (!loaded) return fail(order, "label template " + name + ": " + loaded.error().reason);
    tmpl = templates_.emplace(name, std::move(*loaded)).first;
  }
  print::FieldValues fields;
  for (const auto& [key, value] : pl.label_fields) fields[key] = value;
  // Parcel 1 keeps the order's tracking; a later parcel needs its own, so the pick list's single
  // `label_fields.tracking` cannot be it.
  const auto tracking_field = parcel == 1 ? pl.label_fields.find("tracking") : pl.label_fields.end();
  const std::string tracking = tracking_field != pl.label_fields.end() ? tracking_field->second
                               : !sscc_value.empty()                   ? sscc_value
                               : parcel == 1                           ? order.order_id
                                                                       : order.order_id + "-" + std::to_string(parcel);
  fields["tracking"] = tracking;
  fields["parcel"] = std::to_string(parcel);
  fields["parcels"] = std::to_string(std::max<std::size_t>(order.parcels.size(), 1));
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
  if (!filled) return fail(order, "label template " + name + ": " + filled.error().reason);
  queue(st, order, printer_id, *filled, sscc_value, tracking);
}

void LabelStep::queue(StationRt* st, OrderRecord& order, const std::string& printer_id, const std::string& zpl,
                      const std::string& sscc_value, const std::string& tracking) {
  auto job = ctx_.print_queue.enqueue({"", printer_id, order.order_id, zpl});
  if (!job) return fail(order, "print queue: " + job.error().reason);
  auto& label = label_of(order);
  label.state = LabelState::printing;
  label.job_id = *job;
  label.printer_id = printer_id;
  label.sscc = sscc_value;
  label.tracking = tracking;
  label.error.clear();
  order.phase = Phase::label;
  ctx_.save(order);
  if (st) st->printer_fault.clear();  // a new job: the queue reports its own wait
  spdlog::info("order={} parcel={} label job={} printer={} sscc={}", order.order_id, parcel_number(order), *job,
               printer_id, sscc_value);
  if (st) ctx_.notify(*st);
}

void LabelStep::fail(OrderRecord& order, const std::string& reason) {
  auto& label = label_of(order);
  label.state = LabelState::failed;
  label.error = reason;
  order.phase = Phase::label_failed;
  ctx_.save(order);
  Json data = order_position(order);
  data["job_id"] = label.job_id;
  data["printer_id"] = label.printer_id;
  data["reason"] = reason;
  data["parcel"] = parcel_number(order);
  ctx_.commit(order.station, order.order_id, event::kLabelFailed, std::move(data), {});
  if (auto* st = ctx_.station_of(order)) {
    st->attention.clear();
    ctx_.show(*st, "attention", "label_failed", "Label failed: " + reason, "");
  }
}

void LabelStep::void_label(OrderRecord& order, const std::string& reason) {
  void_one(order, label_of(order), parcel_number(order), reason);
}

void LabelStep::void_one(OrderRecord& order, LabelRecord& label, std::int64_t parcel, const std::string& reason) {
  if (label.sscc.empty() && label.job_id.empty()) return;
  Json data = order_position(order);
  data["job_id"] = label.job_id;
  data["sscc"] = label.sscc;
  data["reason"] = reason;
  data["parcel"] = parcel;
  // Every voided SSCC of the order is kept in one list: a scan of any of them is refused.
  if (!label.sscc.empty()) order.label.voided_sscc.push_back(label.sscc);
  label.sscc.clear();
  label.job_id.clear();
  label.state = LabelState::none;
  ctx_.commit(order.station, order.order_id, event::kLabelVoided, std::move(data), {});
}

std::vector<std::int64_t> LabelStep::void_parcels(OrderRecord& order, const std::string& reason,
                                                  const std::function<bool(std::int64_t)>& affected) {
  std::vector<std::int64_t> voided;
  auto out = [](const LabelRecord& label) {
    return label.state == LabelState::printing || label.state == LabelState::printed ||
           label.state == LabelState::verified;
  };
  if (order.parcels.empty()) {
    if (out(order.label) && affected(1)) {
      void_one(order, order.label, 1, reason);
      voided.push_back(1);
    }
    return voided;
  }
  for (auto& p : order.parcels) {
    if (!out(p.label) || !affected(p.number)) continue;
    void_one(order, p.label, p.number, reason);
    p.packed = false;  // its new label must be printed and verified again
    p.loaded = false;
    voided.push_back(p.number);
  }
  return voided;
}

LabelStep::JobLabel LabelStep::label_of_job(const std::string& job_id) {
  for (auto& [id, o] : ctx_.orders) {
    if (!o.label.job_id.empty() && o.label.job_id == job_id) return {&o, &o.label, 1};
    for (auto& p : o.parcels)
      if (!p.label.job_id.empty() && p.label.job_id == job_id) return {&o, &p.label, p.number};
  }
  return {};
}

void LabelStep::on_wait(const print::PrinterWait& wait) {
  auto* order = label_of_job(wait.job_id).order;
  auto* st = order ? ctx_.station_of(*order) : nullptr;
  if (!st || st->current != order->order_id) return;
  std::string prompt = wait.reason.empty() ? std::string() : print::printer_fault_prompt(wait.reason);
  if (prompt == st->printer_fault) return;
  st->printer_fault = std::move(prompt);
  if (!st->printer_fault.empty()) ctx_.signal(*st, "attention");
  ctx_.notify(*st);
}

void LabelStep::on_outcome(const print::JobOutcome& outcome) {
  const auto job = label_of_job(outcome.job_id);
  OrderRecord* order = job.order;
  if (!order) return;  // a job of an older (voided) label, or not a shipping label
  if (auto* st = ctx_.station_of(*order)) st->printer_fault.clear();
  const bool printed = outcome.state == print::JobState::printed;
  if (order->status == OrderStatus::cancelled) {
    if (printed) void_one(*order, *job.label, job.parcel, "cancelled");
    ctx_.save(*order);
    return;
  }
  if (!printed) return fail(*order, outcome.reason);
  const std::string order_id = order->order_id;
  Json data = order_position(*order);
  data["job_id"] = outcome.job_id;
  data["printer_id"] = outcome.printer_id;
  data["sscc"] = job.label->sscc;
  data["tracking"] = job.label->tracking;
  data["reprint_of"] = outcome.reprint_of;
  data["attempts"] = outcome.attempts;
  data["carrier_label"] = order->pick_list.carrier_label(job.parcel) != nullptr;
  data["parcel"] = job.parcel;
  const std::string job_id = outcome.job_id;
  auto apply = [this, order_id, job_id] {
    auto* o = ctx_.find_order(order_id);
    if (!o || label_of(*o).job_id != job_id) return;
    label_of(*o).state = LabelState::printed;
    o->phase = Phase::verify;
    ctx_.save(*o);
    const std::string prompt = multi_parcel(*o) ? "Scan the label of parcel " + std::to_string(parcel_number(*o)) +
                                                      " to verify it."
                                                : std::string("Scan the shipping label to verify it.");
    if (auto* st = ctx_.station_of(*o)) ctx_.show(*st, "attention", "label_printed", prompt, "");
  };
  // The label exists whether or not the event could be stored: the state follows the paper.
  ctx_.commit(order->station, order_id, event::kLabelPrinted, std::move(data), apply,
         [apply](const outbox::AppendResult&) { apply(); });
}

void LabelStep::resume(OrderRecord& order) {
  const auto& label = label_of(order);
  if (label.job_id.empty()) return print(ctx_.station_of(order), order);
  auto job = ctx_.print_queue.find(label.job_id);
  if (!job) return fail(order, "print job " + label.job_id + " is gone");
  if (job->state == print::JobState::printed || job->state == print::JobState::failed) {
    print::JobOutcome outcome;
    outcome.job_id = job->id;
    outcome.printer_id = job->printer_id;
    outcome.order_id = job->order_id;
    outcome.reprint_of = job->reprint_of;
    outcome.state = job->state;
    outcome.reason = job->last_error;
    outcome.attempts = job->attempts;
    on_outcome(outcome);
  }
  // queued / sending: the queue reports the outcome when it is known.
}

}  // namespace wedge::station
