// parse_pick_list(): strict validation of the pick_list "data" body (see order.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <initializer_list>
#include <limits>
#include <set>

#include "daemon/core/rfc3339.hpp"
#include "daemon/print/carrier_label.hpp"
#include "daemon/print/template_path.hpp"
#include "daemon/gs1/gs1.hpp"
#include "daemon/gs1/gs1_dictionary.hpp"
#include "daemon/station/order.hpp"

namespace wedge::station {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxIdLength = 128;
constexpr std::size_t kMaxShortText = 64;
constexpr std::size_t kMaxLongText = 256;
constexpr std::size_t kMaxLotLength = 20;  // GS1 (10) is X..20
constexpr std::size_t kMaxAddressLines = 4;
constexpr std::size_t kMaxLabelFields = 64;
constexpr double kMaxWeightGrams = 1e7;  // 10 t: anything above is a unit mistake

std::string_view type_name(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "something else";
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7F'; });
}

// Collects every issue; readers return the value when it is valid, nothing otherwise.
class Checker {
 public:
  std::vector<OrderIssue> issues;

  void add(std::string path, OrderIssueCode code, std::string message) {
    issues.push_back(OrderIssue{std::move(path), code, std::move(message)});
  }

  const json::value* field(const json::object& obj, const std::string& path, std::string_view key,
                           bool required) {
    const auto* value = obj.if_contains(key);
    if (value == nullptr && required) add(path, OrderIssueCode::missing_field, fmt::format("{} is required", path));
    return value;
  }

  bool expect(const json::value& value, bool ok, const std::string& path, std::string_view what) {
    if (!ok) add(path, OrderIssueCode::wrong_type, fmt::format("{} must be {}, got {}", path, what, type_name(value)));
    return ok;
  }

  std::optional<std::string> text_value(const json::value& value, const std::string& path, std::size_t max_length,
                                        bool allow_empty = false) {
    if (!expect(value, value.is_string(), path, "a string")) return std::nullopt;
    const std::string_view text = value.get_string();
    if (text.empty() && !allow_empty) {
      add(path, OrderIssueCode::empty_value, fmt::format("{} must not be empty", path));
      return std::nullopt;
    }
    if (text.size() > max_length) {
      add(path, OrderIssueCode::too_long, fmt::format("{} is longer than {} characters", path, max_length));
      return std::nullopt;
    }
    if (has_control(text)) {
      add(path, OrderIssueCode::bad_charset, fmt::format("{} contains control characters", path));
      return std::nullopt;
    }
    return std::string(text);
  }

  std::optional<std::string> text(const json::object& obj, const std::string& prefix, std::string_view key,
                                  bool required, std::size_t max_length) {
    const auto path = join(prefix, key);
    const auto* value = field(obj, path, key, required);
    if (value == nullptr) return std::nullopt;
    return text_value(*value, path, max_length);
  }

  std::optional<std::int64_t> integer(const json::object& obj, const std::string& prefix, std::string_view key,
                                      bool required, std::int64_t min, std::int64_t max) {
    const auto path = join(prefix, key);
    const auto* value = field(obj, path, key, required);
    if (value == nullptr) return std::nullopt;
    std::optional<std::int64_t> number;
    if (value->is_int64()) number = value->get_int64();
    else if (value->is_uint64()) number = std::numeric_limits<std::int64_t>::max();  // > any bound
    if (!expect(*value, number.has_value(), path, "an integer")) return std::nullopt;
    if (*number < min || *number > max) {
      add(path, OrderIssueCode::out_of_range, fmt::format("{} must be {} to {}", path, min, max));
      return std::nullopt;
    }
    return number;
  }

  std::optional<double> number(const json::object& obj, const std::string& prefix, std::string_view key,
                               bool required, double min, double max, bool min_exclusive = false) {
    const auto path = join(prefix, key);
    const auto* value = field(obj, path, key, required);
    if (value == nullptr) return std::nullopt;
    if (!expect(*value, value->is_number(), path, "a number")) return std::nullopt;
    const double number = value->to_number<double>();
    if (number < min || number > max || (min_exclusive && number == min)) {
      add(path, OrderIssueCode::out_of_range,
          fmt::format("{} must be {} {} to {}", path, min_exclusive ? "more than" : "from", min, max));
      return std::nullopt;
    }
    return number;
  }

  std::optional<bool> boolean(const json::object& obj, const std::string& prefix, std::string_view key) {
    const auto path = join(prefix, key);
    const auto* value = field(obj, path, key, false);
    if (value == nullptr || !expect(*value, value->is_bool(), path, "true or false")) return std::nullopt;
    return value->get_bool();
  }

  const json::array* array(const json::object& obj, const std::string& prefix, std::string_view key, bool required,
                           std::size_t min_items, std::size_t max_items) {
    const auto path = join(prefix, key);
    const auto* value = field(obj, path, key, required);
    if (value == nullptr || !expect(*value, value->is_array(), path, "an array")) return nullptr;
    const auto& items = value->get_array();
    if (items.size() < min_items) {
      add(path, OrderIssueCode::empty_value, fmt::format("{} must have at least {} item(s)", path, min_items));
      return nullptr;
    }
    if (items.size() > max_items) {
      add(path, OrderIssueCode::out_of_range, fmt::format("{} must have at most {} items", path, max_items));
      return nullptr;
    }
    return &items;
  }

  const json::object* object(const json::object& obj, const std::string& prefix, std::string_view key,
                             bool required) {
    const auto path = join(prefix, key);
    const auto* value = field(obj, path, key, required);
    if (value == nullptr || !expect(*value, value->is_object(), path, "an object")) return nullptr;
    return &value->get_object();
  }

  void unknown_fields(const json::object& obj, const std::string& prefix, std::initializer_list<std::string_view> known) {
    for (const auto& member : obj) {
      const std::string_view key = member.key();
      if (std::find(known.begin(), known.end(), key) == known.end())
        add(join(prefix, key), OrderIssueCode::unknown_field,
            fmt::format("{} is not a pick-list field", join(prefix, key)));
    }
  }

  static std::string join(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  }
};

std::string at(const std::string& path, std::size_t index) { return fmt::format("{}[{}]", path, index); }

std::vector<std::string> read_gtins(Checker& check, const json::object& line, const std::string& prefix,
                                    std::set<std::string>& seen_gtins) {
  std::vector<std::string> gtins;
  const auto* list = check.array(line, prefix, "gtins", false, 1, kMaxGtinsPerLine);
  if (list == nullptr) return gtins;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto path = at(prefix + ".gtins", i);
    const auto text = check.text_value((*list)[i], path, 14);
    if (!text) continue;
    const auto gtin = normalise_gtin(*text);
    if (!gtin) {
      check.add(path, OrderIssueCode::bad_gtin,
                fmt::format("{} '{}' is not a GTIN-8/12/13/14 with a correct check digit", path, *text));
      continue;
    }
    if (!seen_gtins.insert(*gtin).second) {
      check.add(path, OrderIssueCode::duplicate_value,
                fmt::format("{} GTIN {} appears on more than one line or twice", path, *gtin));
      continue;
    }
    gtins.push_back(*gtin);
  }
  return gtins;
}

std::vector<std::string> read_lots(Checker& check, const json::object& line, const std::string& prefix) {
  std::vector<std::string> lots;
  const auto* list = check.array(line, prefix, "allowed_lots", false, 1, kMaxLotsPerLine);
  if (list == nullptr) return lots;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto path = at(prefix + ".allowed_lots", i);
    const auto lot = check.text_value((*list)[i], path, kMaxLotLength);
    if (!lot) continue;
    if (!std::all_of(lot->begin(), lot->end(), is_cset82)) {
      check.add(path, OrderIssueCode::bad_charset,
                fmt::format("{} '{}' has characters a GS1 (10) lot cannot hold", path, *lot));
      continue;
    }
    if (std::find(lots.begin(), lots.end(), *lot) != lots.end()) {
      check.add(path, OrderIssueCode::duplicate_value, fmt::format("{} lot '{}' is listed twice", path, *lot));
      continue;
    }
    lots.push_back(*lot);
  }
  return lots;
}

std::optional<OrderLine> read_line(Checker& check, const json::value& value, const std::string& prefix,
                                   std::set<std::string>& seen_gtins) {
  if (!check.expect(value, value.is_object(), prefix, "an object")) return std::nullopt;
  const auto& obj = value.get_object();
  const auto before = check.issues.size();
  check.unknown_fields(obj, prefix,
                       {"sku", "gtins", "qty", "location", "unit_weight_grams", "allowed_lots",
                        "min_shelf_life_days", "capture_serials"});
  OrderLine line;
  line.sku = check.text(obj, prefix, "sku", true, kMaxShortText).value_or("");
  line.gtins = read_gtins(check, obj, prefix, seen_gtins);
  line.qty = check.integer(obj, prefix, "qty", true, 1, kMaxLineQty).value_or(0);
  line.location = check.text(obj, prefix, "location", false, kMaxShortText).value_or("");
  line.unit_weight_grams = check.number(obj, prefix, "unit_weight_grams", false, 0, kMaxWeightGrams, true);
  line.allowed_lots = read_lots(check, obj, prefix);
  if (auto days = check.integer(obj, prefix, "min_shelf_life_days", false, 0, kMaxShelfLifeDays))
    line.min_shelf_life_days = static_cast<int>(*days);
  line.capture_serials = check.boolean(obj, prefix, "capture_serials").value_or(false);
  if (check.issues.size() != before) return std::nullopt;
  return line;
}

std::optional<ShipTo> read_ship_to(Checker& check, const json::object& data, bool required) {
  const std::string prefix = "data.ship_to";
  const auto* obj = check.object(data, "data", "ship_to", required);
  if (obj == nullptr) return std::nullopt;
  check.unknown_fields(*obj, prefix, {"name", "lines", "postcode", "city", "country"});
  ShipTo ship_to;
  ship_to.name = check.text(*obj, prefix, "name", true, kMaxLongText).value_or("");
  if (const auto* lines = check.array(*obj, prefix, "lines", true, 1, kMaxAddressLines))
    for (std::size_t i = 0; i < lines->size(); ++i)
      if (auto text = check.text_value((*lines)[i], at(prefix + ".lines", i), kMaxLongText))
        ship_to.address_lines.push_back(std::move(*text));
  ship_to.postcode = check.text(*obj, prefix, "postcode", false, 16).value_or("");
  ship_to.city = check.text(*obj, prefix, "city", true, kMaxLongText).value_or("");
  if (auto country = check.text(*obj, prefix, "country", true, 2)) {
    if (country->size() != 2 || !std::all_of(country->begin(), country->end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
      check.add(prefix + ".country", OrderIssueCode::bad_country,
                fmt::format("{}.country '{}' must be an ISO 3166-1 alpha-2 code such as DE", prefix, *country));
    else
      ship_to.country = *country;
  }
  return ship_to;
}

std::map<std::string, std::string> read_label_fields(Checker& check, const json::object& data) {
  std::map<std::string, std::string> fields;
  const auto* obj = check.object(data, "data", "label_fields", false);
  if (obj == nullptr) return fields;
  if (obj->size() > kMaxLabelFields) {
    check.add("data.label_fields", OrderIssueCode::out_of_range,
              fmt::format("data.label_fields must have at most {} fields", kMaxLabelFields));
    return fields;
  }
  for (const auto& member : *obj) {
    const auto path = Checker::join("data.label_fields", member.key());
    if (member.key().empty() || member.key().size() > kMaxShortText) {
      check.add(path, OrderIssueCode::out_of_range, "label field names must be 1 to 64 characters");
      continue;
    }
    if (auto text = check.text_value(member.value(), path, kMaxLongText, true))
      fields.emplace(std::string(member.key()), std::move(*text));
  }
  return fields;
}

// The template becomes a file name at pack (<template_dir>/<name>.zpl): only a plain name, never a
// path such as "../evil" or "/etc/passwd", may reach it.
std::string read_label_template(Checker& check, const json::object& data, bool required) {
  auto name = check.text(data, "data", "label_template", required, print::kMaxTemplateNameLength);
  if (!name) return "";
  if (!print::is_template_name(*name)) {
    check.add("data.label_template", OrderIssueCode::bad_charset,
              fmt::format("data.label_template '{}' is not a template name: {}", *name, print::kTemplateNameRule));
    return "";
  }
  return *name;
}

// Each carrier label is decoded and checked here, so a label the printer must not see rejects the
// command with its reason (print/carrier_label.hpp) before the order exists.
std::vector<CarrierLabel> read_carrier_labels(Checker& check, const json::object& data) {
  std::vector<CarrierLabel> labels;
  const auto* items = check.array(data, "data", "carrier_labels", false, 1, static_cast<std::size_t>(kMaxParcels));
  if (!items) return labels;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto prefix = at("data.carrier_labels", i);
    if (!check.expect((*items)[i], (*items)[i].is_object(), prefix, "an object")) continue;
    const auto& obj = (*items)[i].get_object();
    check.unknown_fields(obj, prefix, {"parcel", "zpl_base64", "tracking"});
    CarrierLabel label;
    label.parcel = check.integer(obj, prefix, "parcel", false, 1, kMaxParcels).value_or(1);
    auto tracking = check.text(obj, prefix, "tracking", true, kMaxTrackingLength);
    auto encoded = check.text(obj, prefix, "zpl_base64", true, (print::kMaxCarrierLabelBytes + 2) / 3 * 4);
    if (!tracking || !encoded) continue;
    label.tracking = std::move(*tracking);
    auto zpl = print::decode_base64(*encoded);
    if (!zpl) {
      check.add(prefix + ".zpl_base64", OrderIssueCode::bad_label,
                fmt::format("{}.zpl_base64: {}", prefix, zpl.error().reason));
      continue;
    }
    if (auto checked = print::check_carrier_zpl(*zpl); !checked) {
      check.add(prefix + ".zpl_base64", OrderIssueCode::bad_label,
                fmt::format("{}.zpl_base64: {}", prefix, checked.error().reason));
      continue;
    }
    label.zpl = std::move(*zpl);
    if (std::any_of(labels.begin(), labels.end(), [&](const CarrierLabel& l) { return l.parcel == label.parcel; })) {
      check.add(prefix + ".parcel", OrderIssueCode::duplicate_value,
                fmt::format("{}.parcel {} has another carrier label", prefix, label.parcel));
      continue;
    }
    labels.push_back(std::move(label));
  }
  return labels;
}

// The OMS's parcel plan: "parcels": [{"lines": [{"sku", "qty"}]}]. Every ordered unit must be in
// exactly one parcel (a unit left out would have no box; one planned twice could not be packed),
// and no parcel may be empty. Needs the lines already read.
std::vector<PlannedParcel> read_parcel_plan(Checker& check, const json::object& data, const PickList& pick) {
  std::vector<PlannedParcel> plan;
  const auto* items = check.array(data, "data", "parcels", false, 1, static_cast<std::size_t>(kMaxParcels));
  if (!items) return plan;
  std::vector<std::int64_t> planned(pick.lines.size(), 0);
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto prefix = at("data.parcels", i);
    if (!check.expect((*items)[i], (*items)[i].is_object(), prefix, "an object")) continue;
    const auto& obj = (*items)[i].get_object();
    check.unknown_fields(obj, prefix, {"lines"});
    PlannedParcel parcel;
    parcel.units.assign(pick.lines.size(), 0);
    const auto* lines = check.array(obj, prefix, "lines", true, 1, kMaxPickLines);
    if (!lines) continue;
    for (std::size_t j = 0; j < lines->size(); ++j) {
      const auto line_prefix = at(prefix + ".lines", j);
      if (!check.expect((*lines)[j], (*lines)[j].is_object(), line_prefix, "an object")) continue;
      const auto& entry = (*lines)[j].get_object();
      check.unknown_fields(entry, line_prefix, {"sku", "qty"});
      auto sku = check.text(entry, line_prefix, "sku", true, kMaxShortText);
      auto qty = check.integer(entry, line_prefix, "qty", true, 1, kMaxLineQty);
      if (!sku || !qty) continue;
      const int line = pick.line_for_sku(*sku);
      if (line < 0) {
        check.add(line_prefix + ".sku", OrderIssueCode::out_of_range,
                  fmt::format("{}.sku '{}' is not on any line of the order", line_prefix, *sku));
        continue;
      }
      parcel.units[static_cast<std::size_t>(line)] += *qty;
      planned[static_cast<std::size_t>(line)] += *qty;
    }
    plan.push_back(std::move(parcel));
  }
  for (std::size_t l = 0; l < pick.lines.size(); ++l)
    if (planned[l] != pick.lines[l].qty)
      check.add("data.parcels", OrderIssueCode::out_of_range,
                fmt::format("data.parcels plan {} units of '{}', the order has {}: every unit goes in exactly one "
                            "parcel",
                            planned[l], pick.lines[l].sku, pick.lines[l].qty));
  return plan;
}

void check_envelope_id(Checker& check, std::string_view value, const char* path, bool required) {
  if (value.empty()) {
    if (required) check.add(path, OrderIssueCode::missing_field, fmt::format("{} is required", path));
    return;
  }
  if (value.size() > kMaxIdLength)
    check.add(path, OrderIssueCode::too_long, fmt::format("{} is longer than {} characters", path, kMaxIdLength));
  else if (has_control(value))
    check.add(path, OrderIssueCode::bad_charset, fmt::format("{} contains control characters", path));
}

}  // namespace

PickListValidation parse_pick_list(std::string_view order_id, std::string_view station, const json::value& data,
                                   const PickListOptions& options) {
  Checker check;
  PickList pick;
  check_envelope_id(check, order_id, "order_id", true);
  pick.order_id = std::string(order_id);
  pick.station = std::string(station);
  if (!check.expect(data, data.is_object(), "data", "an object")) return std::move(check.issues);
  const auto& obj = data.get_object();
  check.unknown_fields(obj, "data",
                       {"lines", "station_group", "ship_date", "ship_to", "carrier", "label_template",
                        "label_fields", "packaging_weight_grams", "weight_tolerance_grams",
                        "weight_tolerance_percent", "time_limits", "carrier_labels", "parcels", "ship_by"});
  pick.station_group = check.text(obj, "data", "station_group", false, kMaxIdLength).value_or("");
  check_envelope_id(check, station, "station", pick.station_group.empty());

  if (const auto* lines = check.array(obj, "data", "lines", true, 1, kMaxPickLines)) {
    std::set<std::string> seen_gtins;
    std::set<std::string> seen_skus;
    for (std::size_t i = 0; i < lines->size(); ++i) {
      const auto prefix = at("data.lines", i);
      auto line = read_line(check, (*lines)[i], prefix, seen_gtins);
      if (!line) continue;
      if (!seen_skus.insert(line->sku).second) {
        check.add(prefix + ".sku", OrderIssueCode::duplicate_value,
                  fmt::format("{}.sku '{}' is already on another line", prefix, line->sku));
        continue;
      }
      pick.lines.push_back(std::move(*line));
    }
  }
  if (auto text = check.text(obj, "data", "ship_date", false, 10)) {
    pick.ship_date = parse_iso_date(*text);
    if (!pick.ship_date)
      check.add("data.ship_date", OrderIssueCode::bad_date,
                fmt::format("data.ship_date '{}' must be an existing date as YYYY-MM-DD", *text));
  }
  if (auto text = check.text(obj, "data", "ship_by", false, kMaxShortText)) {
    pick.ship_by_unix_ms = core::parse_rfc3339_ms(*text);
    if (!pick.ship_by_unix_ms)
      check.add("data.ship_by", OrderIssueCode::bad_date,
                fmt::format("data.ship_by '{}' must be an RFC 3339 date and time with an offset, "
                            "e.g. 2026-12-06T17:00:00Z",
                            *text));
  }
  pick.ship_to = read_ship_to(check, obj, options.require_shipping);
  pick.carrier = check.text(obj, "data", "carrier", options.require_shipping, kMaxShortText).value_or("");
  pick.label_template = read_label_template(check, obj, options.require_shipping);
  pick.label_fields = read_label_fields(check, obj);
  pick.carrier_labels = read_carrier_labels(check, obj);
  pick.parcels = read_parcel_plan(check, obj, pick);
  pick.packaging_weight_grams = check.number(obj, "data", "packaging_weight_grams", false, 0, kMaxWeightGrams).value_or(0);
  pick.weight_tolerance_grams = check.number(obj, "data", "weight_tolerance_grams", false, 0, kMaxWeightGrams).value_or(0);
  pick.weight_tolerance_percent = check.number(obj, "data", "weight_tolerance_percent", false, 0, 100).value_or(0);
  if (const auto* limits = check.object(obj, "data", "time_limits", false)) {
    check.unknown_fields(*limits, "data.time_limits", {"pick_s", "pack_s", "ship_s"});
    pick.time_limits.pick_s = check.integer(*limits, "data.time_limits", "pick_s", false, 1, kMaxTimeLimitS);
    pick.time_limits.pack_s = check.integer(*limits, "data.time_limits", "pack_s", false, 1, kMaxTimeLimitS);
    pick.time_limits.ship_s = check.integer(*limits, "data.time_limits", "ship_s", false, 1, kMaxTimeLimitS);
  }

  if (!check.issues.empty()) return std::move(check.issues);
  return pick;
}

PickListValidation parse_pick_list_json(std::string_view order_id, std::string_view station,
                                        std::string_view data_json, const PickListOptions& options) {
  boost::system::error_code ec;
  const auto value = json::parse(data_json, ec);
  if (ec)
    return std::vector<OrderIssue>{
        OrderIssue{"data", OrderIssueCode::malformed_json, fmt::format("data is not valid JSON: {}", ec.message())}};
  return parse_pick_list(order_id, station, value, options);
}

}  // namespace wedge::station
