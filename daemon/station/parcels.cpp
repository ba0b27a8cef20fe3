// parcels.hpp: orders in several parcels.
#include "daemon/station/parcels.hpp"

#include <boost/json.hpp>

#include "daemon/station/parcel_weight.hpp"

namespace wedge::station {

namespace json = boost::json;

ParcelRecord* current_parcel(OrderRecord& order) {
  for (auto& p : order.parcels)
    if (!p.packed) return &p;
  return nullptr;
}

const ParcelRecord* current_parcel(const OrderRecord& order) {
  for (const auto& p : order.parcels)
    if (!p.packed) return &p;
  return nullptr;
}

std::int64_t parcel_number(const OrderRecord& order) {
  if (const auto* p = current_parcel(order)) return p->number;
  return order.parcels.empty() ? 1 : order.parcels.back().number;
}

LabelRecord& label_of(OrderRecord& order) {
  if (auto* p = current_parcel(order)) return p->label;
  return order.parcels.empty() ? order.label : order.parcels.back().label;
}

const LabelRecord& label_of(const OrderRecord& order) {
  if (const auto* p = current_parcel(order)) return p->label;
  return order.parcels.empty() ? order.label : order.parcels.back().label;
}

ParcelRecord* parcel_by_number(OrderRecord& order, std::int64_t number) {
  for (auto& p : order.parcels)
    if (p.number == number) return &p;
  return nullptr;
}

std::int64_t ParcelRecord::unit_count() const {
  std::int64_t total = 0;
  for (auto u : units) total += u;
  return total;
}

std::vector<std::int64_t> units_left(const OrderRecord& order) {
  const bool picked = picked_here(order);
  std::vector<std::int64_t> left(order.pick_list.lines.size(), 0);
  for (std::size_t i = 0; i < left.size(); ++i) {
    left[i] = picked ? (i < order.pick.lines.size() ? order.pick.lines[i].picked : 0) : order.pick_list.lines[i].qty;
    for (const auto& p : order.parcels)
      if (i < p.units.size()) left[i] -= p.units[i];
  }
  return left;
}

std::int64_t total_units_left(const OrderRecord& order) {
  std::int64_t total = 0;
  for (auto u : units_left(order)) total += u > 0 ? u : 0;
  return total;
}

ParcelRecord new_parcel_record(const OrderRecord& order) {
  ParcelRecord p;
  p.number = order.parcels.empty() ? 1 : order.parcels.back().number + 1;
  p.units.assign(order.pick_list.lines.size(), 0);
  return p;
}

std::vector<ParcelRecord> planned_parcels(const OrderRecord& order) {
  std::vector<ParcelRecord> out;
  for (const auto& plan : order.pick_list.parcels) {
    ParcelRecord p;
    p.number = static_cast<std::int64_t>(out.size()) + 1;
    p.units = plan.units;
    p.units.resize(order.pick_list.lines.size(), 0);
    p.closed = true;
    out.push_back(std::move(p));
  }
  return out;
}

Phase parcel_phase(const ParcelRecord& parcel) {
  if (!parcel.closed) return Phase::fill;
  if (!parcel.measured_grams) return Phase::weigh;
  switch (parcel.label.state) {
    case LabelState::failed: return Phase::label_failed;
    case LabelState::printed: return Phase::verify;
    default: return Phase::label;
  }
}

std::vector<std::int64_t> parcels_to_load(const OrderRecord& order) {
  std::vector<std::int64_t> out;
  for (const auto& p : order.parcels)
    if (!p.loaded) out.push_back(p.number);
  return out;
}

std::string number_list(const std::vector<std::int64_t>& numbers) {
  std::string out;
  for (auto n : numbers) out += (out.empty() ? "" : ", ") + std::to_string(n);
  return out;
}

json::array parcels_json(const OrderRecord& order) {
  auto entry = [](std::int64_t number, const LabelRecord& label, const std::optional<double>& grams) {
    return json::object{{"parcel", number},
                        {"sscc", label.sscc},
                        {"tracking", label.tracking},
                        {"measured_grams", grams ? json::value(*grams) : json::value(nullptr)}};
  };
  json::array out;
  if (order.parcels.empty()) out.emplace_back(entry(1, order.label, order.measured_grams));
  for (const auto& p : order.parcels) out.emplace_back(entry(p.number, p.label, p.measured_grams));
  return out;
}

json::array parcel_lines_json(const OrderRecord& order, const ParcelRecord& parcel) {
  json::array out;
  for (std::size_t i = 0; i < parcel.units.size() && i < order.pick_list.lines.size(); ++i)
    if (parcel.units[i] > 0)
      out.emplace_back(json::object{
          {"line", static_cast<std::int64_t>(i)}, {"sku", order.pick_list.lines[i].sku}, {"qty", parcel.units[i]}});
  return out;
}

}  // namespace wedge::station
