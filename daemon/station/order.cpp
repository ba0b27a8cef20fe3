#include "daemon/station/order.hpp"

#include <algorithm>

namespace wedge::station {

int PickList::line_for_gtin(std::string_view gtin14) const noexcept {
  for (std::size_t i = 0; i < lines.size(); ++i)
    for (const auto& gtin : lines[i].gtins)
      if (gtin == gtin14) return static_cast<int>(i);
  return -1;
}

int PickList::line_for_sku(std::string_view sku) const noexcept {
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].sku == sku) return static_cast<int>(i);
  return -1;
}

const CarrierLabel* PickList::carrier_label(std::int64_t parcel) const noexcept {
  for (const auto& label : carrier_labels)
    if (label.parcel == parcel) return &label;
  return nullptr;
}

double PickList::expected_weight_grams() const noexcept {
  double total = packaging_weight_grams;
  for (const auto& line : lines)
    if (line.unit_weight_grams) total += *line.unit_weight_grams * static_cast<double>(line.qty);
  return total;
}

double PickList::allowed_deviation_grams() const noexcept {
  return allowed_deviation_grams(expected_weight_grams());
}

double PickList::allowed_deviation_grams(double expected_grams) const noexcept {
  return std::max(weight_tolerance_grams, expected_grams * weight_tolerance_percent / 100.0);
}

std::string_view to_string(OrderIssueCode code) noexcept {
  switch (code) {
    case OrderIssueCode::malformed_json: return "malformed_json";
    case OrderIssueCode::missing_field: return "missing_field";
    case OrderIssueCode::wrong_type: return "wrong_type";
    case OrderIssueCode::empty_value: return "empty_value";
    case OrderIssueCode::out_of_range: return "out_of_range";
    case OrderIssueCode::too_long: return "too_long";
    case OrderIssueCode::bad_gtin: return "bad_gtin";
    case OrderIssueCode::bad_date: return "bad_date";
    case OrderIssueCode::bad_country: return "bad_country";
    case OrderIssueCode::bad_charset: return "bad_charset";
    case OrderIssueCode::unknown_field: return "unknown_field";
    case OrderIssueCode::duplicate_value: return "duplicate_value";
    case OrderIssueCode::bad_label: return "bad_label";
  }
  return "unknown";
}

}  // namespace wedge::station
