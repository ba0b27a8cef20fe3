// ReturnStep (return_step.hpp): the scans of a returns station — identify the parcel, check and
// grade each unit, print its restock or quarantine label, complete the return.
#include "daemon/station/return_step.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "daemon/config/schema_settings.hpp"
#include "daemon/print/template_path.hpp"
#include "daemon/print/zpl_template.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The station's `returns` settings (config/schema.cpp), or nullptr for a config built without
// validation (the section then has no defaults).
const drivers::Settings* returns_settings(const StationRt& st) {
  return st.cfg && st.cfg->settings.has("returns") ? &st.cfg->settings.section("returns") : nullptr;
}

std::string setting(const StationRt& st, std::string_view key, std::string fallback) {
  const auto* s = returns_settings(st);
  return s ? s->get_string_or(key, std::move(fallback)) : fallback;
}

}  // namespace

ReturnStep::ReturnStep(StationContext& ctx) : ctx_(ctx), store_(ctx.store.connection()) {}

ReturnStep::Grades ReturnStep::grades_of(const StationRt& st) const {
  Grades g{{"resellable", "damaged", "wrong_item", "missing_parts"}, {"resellable"}, "GRADE:"};
  if (const auto* s = returns_settings(st)) {
    g.all = s->get_string_list("grades");
    g.restock = s->get_string_list("restock_grades");
    g.prefix = s->get_string("grade_barcode_prefix");
  }
  return g;
}

bool ReturnStep::holds(const StationRt& st) const { return at_station_.contains(st.id); }

std::string ReturnStep::return_at(const StationRt& st) const {
  const auto it = at_station_.find(st.id);
  return it == at_station_.end() ? std::string() : it->second;
}

const ReturnRecord* ReturnStep::find(const std::string& return_id) const {
  const auto it = returns_.find(return_id);
  return it == returns_.end() ? nullptr : &it->second;
}

ReturnRecord* ReturnStep::find_mut(const std::string& return_id) {
  const auto it = returns_.find(return_id);
  return it == returns_.end() ? nullptr : &it->second;
}

ReturnRecord* ReturnStep::held_by(const StationRt& st) {
  const auto it = at_station_.find(st.id);
  return it == at_station_.end() ? nullptr : find_mut(it->second);
}

void ReturnStep::save(const ReturnRecord& ret) {
  if (auto saved = store_.save(ret); !saved)
    spdlog::error("return={} progress not saved: {}", ret.return_id, saved.reason());
}

std::vector<ShippedLine> ReturnStep::lines_of(const ReturnRecord& ret) {
  if (const auto* order = ctx_.find_order(ret.order_id); order && order->status == OrderStatus::shipped)
    return shipped_lines(*order);
  return announced_lines(ret.expected);
}

std::vector<ReturnedItem> ReturnStep::returned_from(const std::string& order_id) const {
  std::vector<ReturnedItem> out;
  for (const auto& [id, r] : returns_) {
    if (r.order_id != order_id || r.status == ReturnStatus::cancelled) continue;
    out.insert(out.end(), r.items.begin(), r.items.end());
    if (r.pending) out.push_back(*r.pending);
  }
  return out;
}

StationContext::Json ReturnStep::base(const ReturnRecord& ret) const {
  Json data;
  data["return_id"] = ret.return_id;
  data["rma"] = ret.announced ? json::value(ret.return_id) : json::value(nullptr);
  data["announced"] = ret.announced;
  data["step"] = "returns";
  return data;
}

bool ReturnStep::is_own_barcode(const ReturnRecord& ret, const PendingScan& scan) const {
  const auto text = scan.text();
  return text == ret.return_id || text == ret.order_id || (!ret.barcode.empty() && scan.data == ret.barcode);
}

void ReturnStep::discrepancy(const StationRt& st, const ReturnRecord& ret, std::string kind, Json detail) {
  Json data = base(ret);
  data["kind"] = std::move(kind);
  for (auto& [key, value] : detail) data[key] = value;
  spdlog::info("station={} return={} discrepancy {}", st.id, ret.return_id, json::serialize(data["kind"]));
  ctx_.commit(st.id, ret.order_id, event::kReturnDiscrepancy, std::move(data), {});
}

void ReturnStep::refuse(StationRt& st, const ReturnRecord& ret, const PendingScan& scan, const std::string& code,
                        const std::string& message, const std::string& detail) {
  spdlog::info("station={} return={} scan refused code={} detail=\"{}\"", st.id, ret.return_id, code, detail);
  ctx_.show(st, "refused", code, message, scan.text());
  Json data{{"step", "returns"}, {"return_id", ret.return_id}};
  data["barcode"] = scan.text();
  data["aim_id"] = scan.aim_id;
  data["reason"] = code;
  data["message"] = message;
  data["detail"] = detail;
  // Shown at once; the event follows (a refusal needs no confirmation).
  ctx_.commit(st.id, ret.order_id, event::kScanRefused, std::move(data), {});
}

StationContext::Refused ReturnStep::outbox_refused(const std::string& station, const PendingScan& scan) {
  return [this, station, scan](const outbox::AppendResult& result) {
    ctx_.refuse_outbox(ctx_.stations.at(station), scan, result);
    ctx_.finish_scan(station);
  };
}

// --- identification ----------------------------------------------------------------------------

std::optional<bool> ReturnStep::identify(StationRt& st, const PendingScan& scan) {
  const bool only_returns = st.cfg->steps.size() == 1;
  auto refuse = [&](std::string code, std::string message) -> std::optional<bool> {
    ctx_.refuse(st, nullptr, scan, std::move(code), std::move(message));
    return false;
  };
  ReturnRecord* ret = find_mut(scan.text());
  std::string by = "rma";
  if (ret && !ret->announced) by = "return_id";
  if (!ret) {
    const auto id = ctx_.identify(scan);
    if (!id.order) {
      if (!only_returns) return std::nullopt;
      return refuse("unknown_return", "Unknown return: scan the RMA, the order barcode or the shipping label.");
    }
    const OrderRecord& order = *id.order;
    by = id.sscc.empty() ? "order_id" : "sscc";
    // The order's announced return that has not ended (an open one resumes).
    for (auto& [rid, r] : returns_)
      if (r.order_id == order.order_id && !r.final()) ret = &r;
    if (!ret) {
      if (order.status != OrderStatus::shipped) {
        if (!only_returns) return std::nullopt;
        return refuse("order_not_shipped", "Order " + order.order_id + " was not shipped from here: set the parcel aside.");
      }
      // An unannounced parcel of an order shipped from here.
      ReturnRecord fresh;
      int n = 1;
      while (returns_.contains("R-" + order.order_id + "-" + std::to_string(n))) ++n;
      fresh.return_id = "R-" + order.order_id + "-" + std::to_string(n);
      fresh.order_id = order.order_id;
      fresh.identified_by = by;
      fresh.barcode = scan.data;
      return start_return(st, std::move(fresh), scan);
    }
  }
  switch (ret->status) {
    case ReturnStatus::cancelled: return refuse("return_cancelled", "Return " + ret->return_id + " was cancelled: set the parcel aside.");
    case ReturnStatus::completed: return refuse("return_completed", "Return " + ret->return_id + " is already completed.");
    case ReturnStatus::held:
      return refuse("return_held", "Return " + ret->return_id + " is on hold" +
                                       (ret->hold_reason.empty() ? std::string() : " (" + ret->hold_reason + ")") +
                                       ": set the parcel aside.");
    default: break;
  }
  if (!ret->station.empty() && ret->station != st.id)
    return refuse("return_elsewhere", "Return " + ret->return_id + " is open at station " + ret->station + ".");
  ReturnRecord copy = *ret;
  if (copy.identified_by.empty()) {
    copy.identified_by = by;
    copy.barcode = scan.data;
  }
  return start_return(st, std::move(copy), scan);
}

bool ReturnStep::start_return(StationRt& st, ReturnRecord ret, const PendingScan& scan) {
  const bool resumed = ret.started_unix_ms > 0;
  // The parcel on the scale, when the station has one and it is steady.
  if (st.scale && st.live.stable && st.live.live_grams && !resumed) ret.parcel_grams = *st.live.live_grams;
  if (const auto* order = ctx_.find_order(ret.order_id); order && ret.announced && !resumed) {
    double grams = order->pick_list.packaging_weight_grams;
    bool known = true;
    for (const auto& e : ret.expected) {
      int line = e.gtin.empty() ? -1 : order->pick_list.line_for_gtin(e.gtin);
      if (line < 0) line = order->pick_list.line_for_sku(e.sku);
      const auto* l = line < 0 ? nullptr : &order->pick_list.lines[static_cast<std::size_t>(line)];
      if (!l || !l->unit_weight_grams) known = false;
      else grams += static_cast<double>(e.qty) * *l->unit_weight_grams;
    }
    if (known) ret.expected_grams = grams;
  }
  Json data = base(ret);
  data["identified_by"] = ret.identified_by;
  data["barcode"] = scan.text();
  data["resumed"] = resumed;
  json::array expected;
  for (const auto& e : ret.expected)
    expected.push_back(json::object{{"sku", e.sku}, {"gtin", e.gtin}, {"qty", e.qty}, {"reason", e.reason}});
  data["expected"] = std::move(expected);
  data["parcel_grams"] = ret.parcel_grams ? json::value(*ret.parcel_grams) : json::value(nullptr);
  data["expected_grams"] = ret.expected_grams ? json::value(*ret.expected_grams) : json::value(nullptr);
  const std::string station = st.id;
  ctx_.commit(
      station, ret.order_id, event::kReturnReceived, std::move(data),
      [this, station, ret, scan, resumed]() mutable {
        auto& s = ctx_.stations.at(station);
        ret.status = ReturnStatus::open;
        ret.station = station;
        if (ret.started_unix_ms == 0) ret.started_unix_ms = ctx_.now_ms();
        const std::string id = ret.return_id;
        auto& stored = returns_[id] = std::move(ret);
        save(stored);
        at_station_[station] = id;
        spdlog::info("station={} return={} order={} received ({})", station, id, stored.order_id, stored.identified_by);
        ctx_.show(s, "accepted", "return_received",
                  "Return " + id + " of order " + stored.order_id + ": scan each item.", scan.text());
        const double tolerance = returns_settings(s) ? returns_settings(s)->get_number("weight_tolerance_grams") : 50;
        if (!resumed && stored.parcel_grams && stored.expected_grams &&
            std::fabs(*stored.parcel_grams - *stored.expected_grams) > tolerance)
          discrepancy(s, stored, "weight_mismatch",
                      Json{{"parcel_grams", *stored.parcel_grams},
                           {"expected_grams", *stored.expected_grams},
                           {"tolerance_grams", tolerance}});
        ctx_.finish_scan(station);
      },
      outbox_refused(station, scan));
  return true;
}

// --- items and grades ----------------------------------------------------------------------------

bool ReturnStep::scan(StationRt& st, const PendingScan& scan) {
  ReturnRecord* ret = held_by(st);
  if (!ret) return false;
  if (ret->status == ReturnStatus::cancelled || ret->status == ReturnStatus::held) {
    if (is_own_barcode(*ret, scan)) return set_aside(st, *ret, scan);
    const bool cancelled = ret->status == ReturnStatus::cancelled;
    refuse(st, *ret, scan, cancelled ? "return_cancelled" : "return_held",
                "Return " + ret->return_id + (cancelled ? " was cancelled" : " is on hold") +
                    ": scan its barcode and set the parcel aside.");
    return false;
  }
  const auto grades = grades_of(st);
  const std::string text = scan.text();
  if (text.starts_with(grades.prefix) && !grades.prefix.empty()) {
    const std::string grade = text.substr(grades.prefix.size());
    if (!contains(grades.all, grade)) {
      refuse(st, *ret, scan, "unknown_grade", "Unknown grade " + grade + ": use a grade of this station.");
      return false;
    }
    if (!ret->pending) {
      refuse(st, *ret, scan, "nothing_to_grade", "Scan an item first, then its grade.");
      return false;
    }
    return on_grade(st, *ret, scan, grade);
  }
  if (is_own_barcode(*ret, scan)) return complete(st, *ret, scan);
  if (ret->pending) {
    refuse(st, *ret, scan, "grade_pending", "Grade the item in hand (" + ret->pending->sku + ") first.");
    return false;
  }
  return on_item(st, *ret, scan);
}

bool ReturnStep::on_item(StationRt& st, ReturnRecord& ret, const PendingScan& scan) {
  const auto decision =
      check_return_item(lines_of(ret), ret, returned_from(ret.order_id), scan.data, scan.aim_id, ctx_.check_options(st));
  if (!decision.accepted) {
    refuse(st, ret, scan, decision.code, decision.message, decision.detail);
    // What the parcel held but should not have: the OMS needs it for the refund.
    static const std::vector<std::string> kItemDiscrepancies = {"not_shipped", "serial_not_shipped", "serial_duplicate",
                                                                "lot_not_shipped", "over_return"};
    if (contains(kItemDiscrepancies, decision.code))
      discrepancy(st, ret, decision.code,
                  Json{{"barcode", scan.text()}, {"sku", decision.item.sku}, {"gtin", decision.item.gtin},
                       {"lot", decision.item.lot}, {"serial", decision.item.serial}, {"detail", decision.detail}});
    return false;
  }
  ret.pending = decision.item;
  save(ret);
  ctx_.show(st, "attention", "grade_item",
            "Grade " + decision.item.sku + (decision.item.serial.empty() ? "" : " (serial " + decision.item.serial + ")") +
                ": scan a condition barcode or press a grade button.",
            scan.text());
  return false;
}

bool ReturnStep::on_grade(StationRt& st, ReturnRecord& ret, const PendingScan& scan, const std::string& grade) {
  const auto grades = grades_of(st);
  ReturnedItem item = *ret.pending;
  item.grade = grade;
  item.disposition = contains(grades.restock, grade) ? "restock" : "quarantine";
  if (item.disposition == "restock") {
    if (item.expected >= 0) item.location = ret.expected[static_cast<std::size_t>(item.expected)].putaway_location;
    if (item.location.empty()) {
      const auto lines = lines_of(ret);
      if (item.line >= 0 && static_cast<std::size_t>(item.line) < lines.size())
        item.location = lines[static_cast<std::size_t>(item.line)].location;
    }
  } else {
    item.location = setting(st, "quarantine_location", "QUARANTINE");
  }
  Json data = base(ret);
  data["sku"] = item.sku;
  data["gtin"] = item.gtin;
  data["lot"] = item.lot;
  data["serial"] = item.serial;
  data["grade"] = item.grade;
  data["disposition"] = item.disposition;
  data["location"] = item.location;
  data["announced_item"] = item.expected >= 0;
  data["barcode"] = scan.text();
  const std::string station = st.id;
  const std::string id = ret.return_id;
  ctx_.commit(
      station, ret.order_id, event::kReturnItemGraded, std::move(data),
      [this, station, id, item, scan]() mutable {
        auto* r = find_mut(id);
        auto& s = ctx_.stations.at(station);
        if (!r || !r->pending) return ctx_.finish_scan(station);
        const std::string failed = print_label(s, *r, item);
        r->items.push_back(item);
        r->pending.reset();
        save(*r);
        if (!failed.empty()) {
          ctx_.show(s, "attention", "label_failed", "Graded " + item.grade + ", but the label failed: " + failed, scan.text());
        } else {
          ctx_.show(s, "accepted", item.disposition,
                    item.disposition == "restock"
                        ? "Restock label printed: put " + item.sku + " to " + (item.location.empty() ? "stock" : item.location) + "."
                        : "Quarantine label printed: put " + item.sku + " in " + item.location + ".",
                    scan.text());
        }
        // An announced return is done once every expected unit is graded.
        if (r->announced && r->all_expected_returned()) {
          complete(s, *r, scan);
          return;
        }
        ctx_.finish_scan(station);
      },
      outbox_refused(station, scan));
  return true;
}

std::string ReturnStep::print_label(StationRt& st, const ReturnRecord& ret, ReturnedItem& item) {
  if (!st.printer) return "no printer at this station";
  const std::string name = setting(st, item.disposition == "restock" ? "restock_template" : "quarantine_template",
                                   item.disposition);
  const std::string dir = ctx_.options.template_dir.empty()
                              ? config::SchemaSettings::of(ctx_.config, "printing").get_string("template_dir")
                              : ctx_.options.template_dir;
  // Read at each label: a few per minute, and an edited template takes effect at once.
  const auto file = print::resolve_template_path(dir, name);
  if (!file) return "template " + name + ": " + file.error().reason;
  auto tmpl = print::ZplTemplate::load(*file);
  if (!tmpl) return "template " + name + ": " + tmpl.error().reason;
  print::FieldValues fields{{"return_id", ret.return_id}, {"order_id", ret.order_id}, {"sku", item.sku},
                            {"gtin", item.gtin},          {"lot", item.lot},           {"serial", item.serial},
                            {"grade", item.grade},        {"location", item.location}, {"station", st.id}};
  auto zpl = tmpl->fill(fields);
  if (!zpl) return "template " + name + ": " + zpl.error().reason;
  auto job = ctx_.print_queue.enqueue({"", st.cfg->printer, ret.return_id, *zpl});
  if (!job) return "print queue: " + job.error().reason;
  item.job_id = *job;
  spdlog::info("station={} return={} {} label job={}", st.id, ret.return_id, item.disposition, *job);
  return {};
}

// --- end of a return -----------------------------------------------------------------------------

json::object return_summary(const ReturnRecord& ret) {
  json::object out;
  json::object totals;
  for (const auto& [grade, units] : ret.totals()) totals[grade] = units;
  out["totals"] = std::move(totals);
  json::array items;
  for (const auto& i : ret.items)
    items.push_back(json::object{{"sku", i.sku}, {"gtin", i.gtin}, {"lot", i.lot}, {"serial", i.serial},
                                 {"grade", i.grade}, {"disposition", i.disposition}, {"location", i.location},
                                 {"announced_item", i.expected >= 0}});
  out["items"] = std::move(items);
  json::array missing;
  for (std::size_t i = 0; i < ret.expected.size(); ++i) {
    const auto left = ret.expected[i].qty - ret.units_for(static_cast<int>(i));
    if (left > 0)
      missing.push_back(json::object{{"sku", ret.expected[i].sku}, {"gtin", ret.expected[i].gtin}, {"qty", left}});
  }
  out["missing"] = std::move(missing);
  std::int64_t unannounced = 0;
  for (const auto& i : ret.items)
    if (ret.announced && i.expected < 0) ++unannounced;
  out["units_not_announced"] = unannounced;
  out["units_expected"] = ret.units_expected();
  out["units_received"] = static_cast<std::int64_t>(ret.items.size());
  out["parcel_grams"] = ret.parcel_grams ? json::value(*ret.parcel_grams) : json::value(nullptr);
  return out;
}

bool ReturnStep::complete(StationRt& st, ReturnRecord& ret, const PendingScan& scan) {
  if (ret.pending) {
    refuse(st, ret, scan, "grade_pending", "Grade the item in hand (" + ret.pending->sku + ") first.");
    return false;
  }
  Json data = base(ret);
  for (auto& [key, value] : return_summary(ret)) data[key] = value;
  data["duration_ms"] = ret.started_unix_ms > 0 ? ctx_.now_ms() - ret.started_unix_ms : 0;
  const std::string station = st.id;
  const std::string id = ret.return_id;
  ctx_.commit(
      station, ret.order_id, event::kReturnCompleted, std::move(data),
      [this, station, id, scan] {
        auto* r = find_mut(id);
        auto& s = ctx_.stations.at(station);
        if (r) {
          r->status = ReturnStatus::completed;
          r->station.clear();
          r->ended_unix_ms = ctx_.now_ms();
          save(*r);
          at_station_.erase(station);
          const auto summary = return_summary(*r);
          if (!summary.at("missing").as_array().empty())
            discrepancy(s, *r, "missing", Json{{"missing", summary.at("missing")}});
          spdlog::info("station={} return={} completed: {} units", station, id, r->items.size());
          ctx_.show(s, "accepted", "return_completed",
                    "Return " + id + " completed (" + std::to_string(r->items.size()) + " units): scan the next parcel.",
                    scan.text());
        }
        ctx_.finish_scan(station);
      },
      outbox_refused(station, scan));
  return true;
}

bool ReturnStep::set_aside(StationRt& st, ReturnRecord& ret, const PendingScan& scan) {
  ret.station.clear();
  save(ret);
  at_station_.erase(st.id);
  spdlog::info("station={} return={} set aside ({})", st.id, ret.return_id, to_string(ret.status));
  ctx_.show(st, "accepted", "set_aside", "Return " + ret.return_id + " set aside.", scan.text());
  return false;
}

}  // namespace wedge::station
