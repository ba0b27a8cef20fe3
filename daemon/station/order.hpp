// The pick-list model of one order (what the OMS sends as the "data" of a pick_list command) and
// its strict JSON validation. docs/scan-validation.md documents the JSON body field by field.
//
// parse_pick_list() is pure and never throws: it returns either a PickList or *every* problem it
// found, each with a field path ("data.lines[2].gtins[0]"), a machine reason code and a sentence.
// Unknown fields are errors (a typo such as "capture_serial" must not silently switch a check
// off). GTINs are stored normalised to 14 digits.
//
// Value types; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "daemon/core/result.hpp"
#include "daemon/gs1/gs1_date.hpp"

namespace wedge::station {

struct ShipTo {
  std::string name;
  std::vector<std::string> address_lines;  // JSON "lines": street, building, …
  std::string postcode;
  std::string city;
  std::string country;  // ISO 3166-1 alpha-2, upper case
};

struct OrderLine {
  std::string sku;
  std::vector<std::string> gtins;  // 14 digits each; may be empty (picked by SKU alias only)
  std::int64_t qty = 0;
  std::string location;
  std::optional<double> unit_weight_grams;
  std::vector<std::string> allowed_lots;   // empty = any lot
  std::optional<int> min_shelf_life_days;  // empty = the station's configured default
  bool capture_serials = false;
};

// The carrier's own label for one parcel (docs/workflows.md, "Carrier labels"): checked ZPL,
// printed byte for byte instead of the template; the verify and ship scans read its tracking.
struct CarrierLabel {
  std::int64_t parcel = 1;  // 1-based: the parcel this label is for (docs/workflows.md, "Parcels")
  std::string zpl;          // decoded from "zpl_base64" and checked (print/carrier_label.hpp)
  std::string tracking;     // the carrier's tracking number, as its barcode reads
  bool operator==(const CarrierLabel&) const = default;
};

// One parcel planned by the OMS ("parcels" in the pick list): which units go into it. Parcel
// numbers follow the array (the first entry is parcel 1).
struct PlannedParcel {
  std::vector<std::int64_t> units;  // per pick-list line (same order): units planned into it
};

// Per-step time limits of one order (seconds); empty = the station's configured limit.
struct StepTimeLimits {
  std::optional<std::int64_t> pick_s;
  std::optional<std::int64_t> pack_s;
  std::optional<std::int64_t> ship_s;
};

struct PickList {
  std::string order_id;
  std::string station;        // from the command envelope; may be empty when station_group is set
  std::string station_group;  // optional: any station of the group may pick it
  std::vector<OrderLine> lines;
  std::optional<CalendarDate> ship_date;
  std::optional<ShipTo> ship_to;
  std::string carrier;
  std::string label_template;
  std::map<std::string, std::string> label_fields;
  double packaging_weight_grams = 0;
  double weight_tolerance_grams = 0;
  double weight_tolerance_percent = 0;
  StepTimeLimits time_limits;  // "time_limits": {"pick_s", "pack_s", "ship_s"}, each optional
  std::vector<CarrierLabel> carrier_labels;  // "carrier_labels": at most one per parcel
  std::vector<PlannedParcel> parcels;        // "parcels": empty = one parcel, or as the packer opens them
  // "ship_by" (RFC 3339): the carrier's cut-off; the gateway warns when its predicted ship time
  // passes it (order.at_risk, reason ship_by). Empty = no cut-off.
  std::optional<std::int64_t> ship_by_unix_ms;

  // Index of the line carrying this 14-digit GTIN, or -1.
  [[nodiscard]] int line_for_gtin(std::string_view gtin14) const noexcept;
  // Index of the line with this SKU, or -1.
  [[nodiscard]] int line_for_sku(std::string_view sku) const noexcept;
  // Packaging + Σ qty × unit weight; lines without a unit weight count as 0.
  [[nodiscard]] double expected_weight_grams() const noexcept;
  // Allowed |measured − expected|: the larger of the absolute and the percentage tolerance.
  [[nodiscard]] double allowed_deviation_grams() const noexcept;
  // The carrier label of `parcel`, or nullptr (the template label prints).
  [[nodiscard]] const CarrierLabel* carrier_label(std::int64_t parcel) const noexcept;
  // The same for another expected weight (a short pick's, station/parcel_weight.hpp).
  [[nodiscard]] double allowed_deviation_grams(double expected_grams) const noexcept;
};

enum class OrderIssueCode {
  malformed_json,   // the body is not JSON
  missing_field,    // a required field is absent
  wrong_type,       // e.g. a string where a number is expected
  empty_value,      // an empty string or array where content is required
  out_of_range,     // a number outside its bounds, or too many items
  too_long,         // a string longer than its limit
  bad_gtin,         // not a GTIN-8/12/13/14 with a correct check digit
  bad_date,         // not an existing YYYY-MM-DD date
  bad_country,      // not two upper-case letters
  bad_charset,      // a lot with characters outside GS1 CSET 82, control characters in a text
  unknown_field,    // a field this schema does not define
  duplicate_value,  // the same SKU, GTIN or lot twice
  bad_label,        // a carrier label that is not base64 or fails the ZPL checks
};

[[nodiscard]] std::string_view to_string(OrderIssueCode code) noexcept;

struct OrderIssue {
  std::string path;  // "data.lines[0].qty", "order_id", "station"
  OrderIssueCode code = OrderIssueCode::wrong_type;
  std::string message;
};

struct PickListOptions {
  // Pack and ship stations need the parcel data: ship_to, carrier and label_template required.
  bool require_shipping = false;
};

// The pick list, or every issue found (never an empty list): the OMS fixes them all in one go.
using PickListValidation = core::Result<PickList, std::vector<OrderIssue>>;

// Limits, documented in docs/scan-validation.md.
inline constexpr std::size_t kMaxPickLines = 10000;
inline constexpr std::int64_t kMaxLineQty = 100000;
inline constexpr std::size_t kMaxGtinsPerLine = 20;
inline constexpr std::size_t kMaxLotsPerLine = 100;
inline constexpr int kMaxShelfLifeDays = 3650;
inline constexpr std::int64_t kMaxTimeLimitS = 604800;  // one week, as the station config allows
inline constexpr std::int64_t kMaxParcels = 50;  // parcels per order (planned, opened at pack, carrier labels)
inline constexpr std::size_t kMaxTrackingLength = 64;

// `order_id` and `station` come from the command envelope; `data` is its "data" member.
PickListValidation parse_pick_list(std::string_view order_id, std::string_view station, const boost::json::value& data,
                                   const PickListOptions& options = {});
// Same, from the serialised "data" object (as stored by the command store).
PickListValidation parse_pick_list_json(std::string_view order_id, std::string_view station, std::string_view data_json,
                                        const PickListOptions& options = {});

}  // namespace wedge::station
