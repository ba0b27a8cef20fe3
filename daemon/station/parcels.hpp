// Orders in several parcels (docs/workflows.md, "Parcels"): which parcel is being packed, what is
// still to go into a parcel, the phase a parcel is in and the parcel lists of the events.
//
// An order is packed in several parcels when the packer opens a new parcel at pack (the station's
// `new_parcel_barcode` or the screen's "New parcel" button) or the pick list plans them
// ("parcels"). Its parcels are then OrderRecord::parcels; the parcel being packed is the first one
// not packed yet, so an address change that voids packed labels sends the packer back to them
// in parcel order. A single-parcel order keeps `parcels` empty and uses the order's `label` and
// `measured_grams` as before. Pure functions over value types; any thread.
#pragma once

#include <boost/json/array.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/station/workflow_order.hpp"

namespace wedge::station {

[[nodiscard]] inline bool multi_parcel(const OrderRecord& order) { return !order.parcels.empty(); }

// The parcel being packed (the first one not packed), or nullptr (single-parcel, or all packed).
[[nodiscard]] ParcelRecord* current_parcel(OrderRecord& order);
[[nodiscard]] const ParcelRecord* current_parcel(const OrderRecord& order);
// The number the events give the label being worked on: the current parcel's, else the last one's;
// 1 for a single-parcel order.
[[nodiscard]] std::int64_t parcel_number(const OrderRecord& order);
// The label being worked on: the current parcel's (else the last parcel's), or the order's own.
[[nodiscard]] LabelRecord& label_of(OrderRecord& order);
[[nodiscard]] const LabelRecord& label_of(const OrderRecord& order);
// The parcel with this number, or nullptr.
[[nodiscard]] ParcelRecord* parcel_by_number(OrderRecord& order, std::int64_t number);

// Units of each pick-list line still outside every parcel: picked units when the order was picked
// here, else the ordered quantity, minus what the parcels hold.
[[nodiscard]] std::vector<std::int64_t> units_left(const OrderRecord& order);
[[nodiscard]] std::int64_t total_units_left(const OrderRecord& order);
// A new, empty parcel numbered after the last one.
[[nodiscard]] ParcelRecord new_parcel_record(const OrderRecord& order);
// The parcels the pick list plans (closed: their contents are given), or none.
[[nodiscard]] std::vector<ParcelRecord> planned_parcels(const OrderRecord& order);

// Where a parcel not packed yet stands: fill, weigh, label (to print or printing), label_failed
// or verify.
[[nodiscard]] Phase parcel_phase(const ParcelRecord& parcel);

// Numbers of the parcels not scanned at the ship station yet, and the same as "2, 3".
[[nodiscard]] std::vector<std::int64_t> parcels_to_load(const OrderRecord& order);
[[nodiscard]] std::string number_list(const std::vector<std::int64_t>& numbers);

// The "parcels" of pack.completed and order.shipped: [{parcel, sscc, tracking, measured_grams}],
// one entry for a single-parcel order.
[[nodiscard]] boost::json::array parcels_json(const OrderRecord& order);
// The "lines" of parcel.packed: [{line, sku, qty}] for every line with units in the parcel.
[[nodiscard]] boost::json::array parcel_lines_json(const OrderRecord& order, const ParcelRecord& parcel);

}  // namespace wedge::station
