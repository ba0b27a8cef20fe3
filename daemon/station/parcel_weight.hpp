// What a packed parcel should weigh. The pack step checks the scale against Σ picked units × unit
// weight + packaging (the "picked" basis, the default), so an order picked short at this gateway
// ships without an OMS round trip; a station with `weight_basis: ordered` keeps the old check
// against the ordered quantities (docs/workflows.md, "Pack"). An order that was not picked at this
// gateway (its pick list skipped the pick step) has no picked count and is checked against the
// ordered weight whatever the basis. Each parcel of an order packed in several (parcels.hpp) is
// weighed against the units in it (the "parcel" basis). Pure functions on values; any thread.
#pragma once

#include <optional>
#include <string_view>

#include "daemon/station/workflow_order.hpp"

namespace wedge::station {

enum class WeightBasis { picked, ordered, parcel };

[[nodiscard]] std::string_view to_string(WeightBasis basis) noexcept;
// "picked" / "ordered"; empty for anything else (the config schema allows only these two; the
// parcel basis is not a station setting).
[[nodiscard]] std::optional<WeightBasis> weight_basis_from(std::string_view text) noexcept;

struct ParcelWeight {
  WeightBasis basis = WeightBasis::ordered;  // what `expected_grams` was computed from
  double expected_grams = 0;                 // what the scale must show
  double allowed_deviation_grams = 0;        // max(absolute, percent × expected)
  double ordered_grams = 0;                  // packaging + Σ ordered qty × unit weight
  std::optional<double> picked_grams;        // packaging + Σ picked × unit weight; empty when not picked here
};

// The parcel weight of `order` under the station's `basis`. Lines without a unit weight count 0 g.
[[nodiscard]] ParcelWeight parcel_weight(const OrderRecord& order, WeightBasis basis) noexcept;
// One parcel of an order in several: packaging + Σ units in it × unit weight (basis parcel); the
// order's ordered and picked weights as for the whole order.
[[nodiscard]] ParcelWeight parcel_weight(const OrderRecord& order, const ParcelRecord& parcel) noexcept;
// Whether the order went through the pick step at this gateway (so its picked counts are real).
[[nodiscard]] bool picked_here(const OrderRecord& order) noexcept;

}  // namespace wedge::station
