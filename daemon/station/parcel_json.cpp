// parcel_json.hpp: the parcels of an order in its stored record.
#include "daemon/station/parcel_json.hpp"

#include <boost/json.hpp>

#include <array>

namespace wedge::station {

namespace json = boost::json;

namespace {

constexpr std::array<LabelState, 5> kLabelStates = {LabelState::none, LabelState::printing, LabelState::printed,
                                                    LabelState::failed, LabelState::verified};

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool flag_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_bool() && v->as_bool();
}

LabelState label_state_of(std::string_view text) {
  for (auto state : kLabelStates)
    if (to_string(state) == text) return state;
  return LabelState::none;
}

}  // namespace

json::object label_record_json(const LabelRecord& label, const json::storage_ptr& sp) {
  json::object o(sp);
  o["state"] = to_string(label.state);
  o["job_id"] = label.job_id;
  o["printer_id"] = label.printer_id;
  o["sscc"] = label.sscc;
  o["tracking"] = label.tracking;
  o["error"] = label.error;
  auto& voided = o["voided_sscc"].emplace_array();
  for (const auto& sscc : label.voided_sscc) voided.emplace_back(sscc);
  return o;
}

LabelRecord label_record_from(const json::object& o) {
  LabelRecord label;
  label.state = label_state_of(text_of(o, "state"));
  label.job_id = text_of(o, "job_id");
  label.printer_id = text_of(o, "printer_id");
  label.sscc = text_of(o, "sscc");
  label.tracking = text_of(o, "tracking");
  label.error = text_of(o, "error");
  if (const auto* v = o.if_contains("voided_sscc"); v && v->is_array())
    for (const auto& sscc : v->as_array())
      if (sscc.is_string()) label.voided_sscc.emplace_back(sscc.as_string());
  return label;
}

void write_parcels(json::object& record, const OrderRecord& order) {
  if (order.parcels.empty()) return;
  const auto sp = record.storage();
  auto& parcels = record["parcels"].emplace_array();
  for (const auto& p : order.parcels) {
    json::object o(sp);
    o["number"] = p.number;
    auto& units = o["units"].emplace_array();
    for (auto u : p.units) units.emplace_back(u);
    o["closed"] = p.closed;
    if (p.measured_grams) o["measured_grams"] = *p.measured_grams;
    o["label"] = label_record_json(p.label, sp);
    o["packed"] = p.packed;
    o["loaded"] = p.loaded;
    parcels.emplace_back(std::move(o));
  }
  record["loading_station"] = order.loading_station;
}

void read_parcels(const json::object& record, OrderRecord& order) {
  const auto* parcels = record.if_contains("parcels");
  if (!parcels || !parcels->is_array()) return;
  for (const auto& entry : parcels->as_array()) {
    if (!entry.is_object()) continue;
    const auto& o = entry.as_object();
    ParcelRecord p;
    if (const auto* n = o.if_contains("number"); n && n->is_int64()) p.number = n->as_int64();
    if (const auto* units = o.if_contains("units"); units && units->is_array())
      for (const auto& u : units->as_array()) p.units.push_back(u.is_int64() ? u.as_int64() : 0);
    p.units.resize(order.pick_list.lines.size(), 0);
    p.closed = flag_of(o, "closed");
    if (const auto* m = o.if_contains("measured_grams"); m && m->is_number()) p.measured_grams = m->to_number<double>();
    if (const auto* l = o.if_contains("label"); l && l->is_object()) p.label = label_record_from(l->as_object());
    p.packed = flag_of(o, "packed");
    p.loaded = flag_of(o, "loaded");
    order.parcels.push_back(std::move(p));
  }
  order.loading_station = text_of(record, "loading_station");
}

}  // namespace wedge::station
