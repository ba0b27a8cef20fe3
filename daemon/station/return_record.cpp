// ReturnRecord (return_record.hpp): the return model, its stored JSON and return.expected's items.
#include "daemon/station/return_record.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <array>
#include <set>

#include "daemon/gs1/gs1.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 5> kStatus = {"expected", "open", "held", "cancelled", "completed"};
constexpr std::size_t kMaxText = 128;
constexpr std::size_t kMaxSerials = 10000;

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t integer(const json::object& o, std::string_view key, std::int64_t fallback = 0) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : fallback;
}

std::optional<double> number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

json::value optional_number(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

std::vector<std::string> strings_of(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v && v->is_array())
    for (const auto& s : v->as_array())
      if (s.is_string()) out.emplace_back(s.as_string());
  return out;
}

json::object item_json(const ReturnedItem& item) {
  return json::object{{"sku", item.sku},         {"gtin", item.gtin},         {"lot", item.lot},
                      {"serial", item.serial},   {"barcode", item.barcode},   {"line", item.line},
                      {"expected", item.expected}, {"grade", item.grade},     {"disposition", item.disposition},
                      {"location", item.location}, {"job_id", item.job_id}};
}

ReturnedItem item_of(const json::object& o) {
  ReturnedItem item;
  item.sku = text(o, "sku");
  item.gtin = text(o, "gtin");
  item.lot = text(o, "lot");
  item.serial = text(o, "serial");
  item.barcode = text(o, "barcode");
  item.line = static_cast<int>(integer(o, "line", -1));
  item.expected = static_cast<int>(integer(o, "expected", -1));
  item.grade = text(o, "grade");
  item.disposition = text(o, "disposition");
  item.location = text(o, "location");
  item.job_id = text(o, "job_id");
  return item;
}

json::object expected_json(const ExpectedItem& item) {
  return json::object{{"sku", item.sku},       {"gtin", item.gtin},
                      {"qty", item.qty},       {"lot", item.lot},
                      {"serials", strings(item.serials)}, {"putaway_location", item.putaway_location},
                      {"reason", item.reason}};
}

// Reads one expected item, adding an issue per problem (the validation of return.expected).
struct ItemReader {
  std::vector<OrderIssue>& issues;
  std::string prefix;
  const json::object& obj;

  void add(std::string_view key, OrderIssueCode code, std::string message) {
    issues.push_back({prefix + (key.empty() ? "" : "." + std::string(key)), code, std::move(message)});
  }
  // An optional string of 1..kMaxText characters; `required` makes it mandatory.
  std::string string(std::string_view key, bool required) {
    const auto* v = obj.if_contains(key);
    if (!v) {
      if (required) add(key, OrderIssueCode::missing_field, fmt::format("{} is required", key));
      return {};
    }
    if (!v->is_string()) {
      add(key, OrderIssueCode::wrong_type, fmt::format("{} must be a string", key));
      return {};
    }
    std::string s(v->as_string());
    if (s.empty()) add(key, OrderIssueCode::empty_value, fmt::format("{} must not be empty", key));
    if (s.size() > kMaxText) add(key, OrderIssueCode::too_long, fmt::format("{} is longer than {}", key, kMaxText));
    for (const char c : s)
      if (static_cast<unsigned char>(c) < 0x20) {
        add(key, OrderIssueCode::bad_charset, fmt::format("{} contains control characters", key));
        break;
      }
    return s;
  }
};

ExpectedItem read_item(std::vector<OrderIssue>& issues, const std::string& prefix, const json::object& obj) {
  static const std::set<std::string_view> kKnown = {"sku", "gtin", "qty", "lot", "serials", "putaway_location",
                                                    "reason"};
  ItemReader r{issues, prefix, obj};
  for (const auto& member : obj)
    if (!kKnown.contains(member.key()))
      r.add(member.key(), OrderIssueCode::unknown_field, fmt::format("unknown field {}", std::string(member.key())));
  ExpectedItem item;
  item.sku = r.string("sku", true);
  if (auto gtin = r.string("gtin", false); !gtin.empty()) {
    if (auto normalised = normalise_gtin(gtin)) item.gtin = *normalised;
    else r.add("gtin", OrderIssueCode::bad_gtin, "gtin is not a GTIN-8/12/13/14 with a correct check digit");
  }
  item.qty = integer(obj, "qty", 0);
  if (item.qty <= 0 || item.qty > kMaxLineQty)
    r.add("qty", OrderIssueCode::out_of_range, fmt::format("qty must be 1 to {}", kMaxLineQty));
  item.lot = r.string("lot", false);
  item.putaway_location = r.string("putaway_location", false);
  item.reason = r.string("reason", false);
  if (const auto* serials = obj.if_contains("serials")) {
    if (!serials->is_array() || serials->as_array().size() > kMaxSerials) {
      r.add("serials", OrderIssueCode::wrong_type, "serials must be an array of strings");
    } else {
      std::set<std::string> seen;
      for (const auto& s : serials->as_array()) {
        if (!s.is_string() || s.as_string().empty()) {
          r.add("serials", OrderIssueCode::wrong_type, "serials must be non-empty strings");
          break;
        }
        if (!seen.emplace(s.as_string()).second)
          r.add("serials", OrderIssueCode::duplicate_value, fmt::format("serial {} twice", std::string(s.as_string())));
        item.serials.emplace_back(s.as_string());
      }
      if (static_cast<std::int64_t>(item.serials.size()) > item.qty)
        r.add("serials", OrderIssueCode::out_of_range, "more serials than qty");
    }
  }
  return item;
}

}  // namespace

std::string_view to_string(ReturnStatus status) noexcept { return kStatus[static_cast<std::size_t>(status)]; }

std::optional<ReturnStatus> return_status_from(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kStatus.size(); ++i)
    if (kStatus[i] == text) return static_cast<ReturnStatus>(i);
  return std::nullopt;
}

std::int64_t ReturnRecord::units_expected() const {
  std::int64_t total = 0;
  for (const auto& item : expected) total += item.qty;
  return total;
}

std::int64_t ReturnRecord::units_for(int index) const {
  std::int64_t n = 0;
  for (const auto& item : items)
    if (item.expected == index) ++n;
  return n;
}

bool ReturnRecord::all_expected_returned() const {
  for (std::size_t i = 0; i < expected.size(); ++i)
    if (units_for(static_cast<int>(i)) < expected[i].qty) return false;
  return !expected.empty();
}

std::map<std::string, std::int64_t> ReturnRecord::totals() const {
  std::map<std::string, std::int64_t> out;
  for (const auto& item : items) ++out[item.grade];
  return out;
}

std::string return_record_json(const ReturnRecord& r) {
  json::object o;
  o["return_id"] = r.return_id;
  o["order_id"] = r.order_id;
  o["announced"] = r.announced;
  o["status"] = to_string(r.status);
  o["station"] = r.station;
  o["identified_by"] = r.identified_by;
  o["barcode"] = r.barcode;
  auto& expected = o["expected"].emplace_array();
  for (const auto& item : r.expected) expected.emplace_back(expected_json(item));
  auto& items = o["items"].emplace_array();
  for (const auto& item : r.items) items.emplace_back(item_json(item));
  o["pending"] = r.pending ? json::value(item_json(*r.pending)) : json::value(nullptr);
  o["parcel_grams"] = optional_number(r.parcel_grams);
  o["expected_grams"] = optional_number(r.expected_grams);
  o["hold_reason"] = r.hold_reason;
  o["cancel_reason"] = r.cancel_reason;
  o["announced_at"] = r.announced_unix_ms;
  o["started"] = r.started_unix_ms;
  o["ended"] = r.ended_unix_ms;
  return json::serialize(o);
}

core::Result<ReturnRecord> return_record_from_json(std::string_view text_json) {
  boost::system::error_code ec;
  auto doc = json::parse(text_json, ec);
  if (ec || !doc.is_object()) return core::fail(core::Errc::invalid_argument, "return record is not a JSON object");
  const auto& o = doc.as_object();
  ReturnRecord r;
  r.return_id = text(o, "return_id");
  r.order_id = text(o, "order_id");
  const auto status = return_status_from(text(o, "status"));
  if (r.return_id.empty() || !status) return core::fail(core::Errc::invalid_argument, "return record without id or status");
  r.status = *status;
  if (const auto* a = o.if_contains("announced"); a && a->is_bool()) r.announced = a->as_bool();
  r.station = text(o, "station");
  r.identified_by = text(o, "identified_by");
  r.barcode = text(o, "barcode");
  if (const auto* list = o.if_contains("expected"); list && list->is_array())
    for (const auto& v : list->as_array()) {
      if (!v.is_object()) continue;
      const auto& e = v.as_object();
      r.expected.push_back({text(e, "sku"), text(e, "gtin"), integer(e, "qty", 1), text(e, "lot"),
                            strings_of(e, "serials"), text(e, "putaway_location"), text(e, "reason")});
    }
  if (const auto* list = o.if_contains("items"); list && list->is_array())
    for (const auto& v : list->as_array())
      if (v.is_object()) r.items.push_back(item_of(v.as_object()));
  if (const auto* p = o.if_contains("pending"); p && p->is_object()) r.pending = item_of(p->as_object());
  r.parcel_grams = number(o, "parcel_grams");
  r.expected_grams = number(o, "expected_grams");
  r.hold_reason = text(o, "hold_reason");
  r.cancel_reason = text(o, "cancel_reason");
  r.announced_unix_ms = integer(o, "announced_at");
  r.started_unix_ms = integer(o, "started");
  r.ended_unix_ms = integer(o, "ended");
  return r;
}

ExpectedItemsValidation parse_expected_items(std::string_view data_json) {
  std::vector<OrderIssue> issues;
  boost::system::error_code ec;
  auto doc = json::parse(data_json, ec);
  if (ec || !doc.is_object()) {
    issues.push_back({"data", OrderIssueCode::malformed_json, "data must be a JSON object"});
    return issues;
  }
  const auto& data = doc.as_object();
  for (const auto& member : data)
    if (member.key() != "items")
      issues.push_back({"data." + std::string(member.key()), OrderIssueCode::unknown_field,
                        fmt::format("unknown field {}", std::string(member.key()))});
  const auto* items = data.if_contains("items");
  if (!items || !items->is_array() || items->as_array().empty() || items->as_array().size() > kMaxPickLines) {
    issues.push_back({"data.items", OrderIssueCode::missing_field,
                      fmt::format("items must be an array of 1 to {} items", kMaxPickLines)});
    return issues;
  }
  std::vector<ExpectedItem> out;
  for (std::size_t i = 0; i < items->as_array().size(); ++i) {
    const auto& v = items->as_array()[i];
    const std::string prefix = fmt::format("data.items[{}]", i);
    if (!v.is_object()) {
      issues.push_back({prefix, OrderIssueCode::wrong_type, "an item must be an object"});
      continue;
    }
    out.push_back(read_item(issues, prefix, v.as_object()));
  }
  if (!issues.empty()) return issues;
  return out;
}

}  // namespace wedge::station
