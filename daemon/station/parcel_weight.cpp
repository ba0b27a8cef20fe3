// parcel_weight.hpp: the expected weight of a parcel from what was ordered or picked.
#include "daemon/station/parcel_weight.hpp"

namespace wedge::station {

std::string_view to_string(WeightBasis basis) noexcept {
  switch (basis) {
    case WeightBasis::picked: return "picked";
    case WeightBasis::parcel: return "parcel";
    default: return "ordered";
  }
}

std::optional<WeightBasis> weight_basis_from(std::string_view text) noexcept {
  if (text == "picked") return WeightBasis::picked;
  if (text == "ordered") return WeightBasis::ordered;
  return std::nullopt;
}

bool picked_here(const OrderRecord& order) noexcept {
  const auto it = order.times.find("pick");
  return (it != order.times.end() && it->second.finished_unix_ms > 0) || order.units_picked() > 0 ||
         !order.short_lines.empty();
}

ParcelWeight parcel_weight(const OrderRecord& order, WeightBasis basis) noexcept {
  ParcelWeight w;
  w.ordered_grams = order.pick_list.expected_weight_grams();
  if (picked_here(order)) {
    double picked = order.pick_list.packaging_weight_grams;
    for (std::size_t i = 0; i < order.pick_list.lines.size() && i < order.pick.lines.size(); ++i)
      if (const auto& unit = order.pick_list.lines[i].unit_weight_grams)
        picked += *unit * static_cast<double>(order.pick.lines[i].picked);
    w.picked_grams = picked;
  }
  w.basis = basis == WeightBasis::picked && w.picked_grams ? WeightBasis::picked : WeightBasis::ordered;
  w.expected_grams = w.basis == WeightBasis::picked ? *w.picked_grams : w.ordered_grams;
  w.allowed_deviation_grams = order.pick_list.allowed_deviation_grams(w.expected_grams);
  return w;
}

ParcelWeight parcel_weight(const OrderRecord& order, const ParcelRecord& parcel) noexcept {
  ParcelWeight w = parcel_weight(order, WeightBasis::picked);
  double grams = order.pick_list.packaging_weight_grams;
  for (std::size_t i = 0; i < order.pick_list.lines.size() && i < parcel.units.size(); ++i)
    if (const auto& unit = order.pick_list.lines[i].unit_weight_grams)
      grams += *unit * static_cast<double>(parcel.units[i]);
  w.basis = WeightBasis::parcel;
  w.expected_grams = grams;
  w.allowed_deviation_grams = order.pick_list.allowed_deviation_grams(grams);
  return w;
}

}  // namespace wedge::station
