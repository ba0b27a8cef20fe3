#include "daemon/commands/command.hpp"

#include "daemon/core/rfc3339.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <array>
#include <chrono>

namespace wedge::commands {

namespace json = boost::json;

namespace {

constexpr std::array<std::pair<CommandType, std::string_view>, 10> kTypeNames{{
    {CommandType::pick_list, "pick_list"},
    {CommandType::order_cancel, "order.cancel"},
    {CommandType::order_hold, "order.hold"},
    {CommandType::order_release, "order.release"},
    {CommandType::order_update, "order.update"},
    {CommandType::rebirth, "rebirth"},
    {CommandType::return_expected, "return.expected"},
    {CommandType::return_cancel, "return.cancel"},
    {CommandType::return_hold, "return.hold"},
    {CommandType::return_release, "return.release"},
}};

constexpr std::size_t kMaxIdChars = 128;
constexpr std::size_t kMaxLines = 10'000;

struct Fail {
  RejectCode code;
  std::string reason;
};

// A string field that must be present, non-empty, short and a plain id.
std::optional<Fail> require_id(const json::object& obj, std::string_view key, std::string& out) {
  const auto* value = obj.if_contains(key);
  if (value == nullptr) return Fail{RejectCode::missing_field, fmt::format("field '{}' is required", key)};
  if (!value->is_string()) {
    return Fail{RejectCode::invalid_field, fmt::format("field '{}' must be a string", key)};
  }
  const auto& s = value->get_string();
  if (s.empty() || s.size() > kMaxIdChars) {
    return Fail{RejectCode::invalid_field, fmt::format("field '{}' must hold 1 to {} characters", key, kMaxIdChars)};
  }
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '/' || c == '+' || c == '#') {
      return Fail{RejectCode::invalid_field,
                  fmt::format("field '{}' must not contain control characters, '/', '+' or '#'", key)};
    }
  }
  out.assign(s.data(), s.size());
  return std::nullopt;
}

std::optional<Fail> check_lines(const json::object& data) {
  const auto* lines = data.if_contains("lines");
  if (lines == nullptr) return Fail{RejectCode::missing_field, "field 'data.lines' is required"};
  if (!lines->is_array() || lines->get_array().empty() || lines->get_array().size() > kMaxLines) {
    return Fail{RejectCode::invalid_field,
                fmt::format("field 'data.lines' must be an array of 1 to {} lines", kMaxLines)};
  }
  std::size_t index = 0;
  for (const auto& line : lines->get_array()) {
    if (!line.is_object()) {
      return Fail{RejectCode::invalid_field, fmt::format("data.lines[{}] must be an object", index)};
    }
    const auto& obj = line.get_object();
    const auto* sku = obj.if_contains("sku");
    if (sku == nullptr) return Fail{RejectCode::missing_field, fmt::format("data.lines[{}].sku is required", index)};
    if (!sku->is_string() || sku->get_string().empty()) {
      return Fail{RejectCode::invalid_field, fmt::format("data.lines[{}].sku must be a non-empty string", index)};
    }
    const auto* qty = obj.if_contains("qty");
    if (qty == nullptr) return Fail{RejectCode::missing_field, fmt::format("data.lines[{}].qty is required", index)};
    if (!qty->is_int64() || qty->get_int64() <= 0) {
      // A uint64 too large for int64 is also out of range.
      return Fail{RejectCode::invalid_field, fmt::format("data.lines[{}].qty must be a positive integer", index)};
    }
    ++index;
  }
  return std::nullopt;
}

// return.expected: "items", 1 to kMaxLines objects, each with a positive integer "qty". The rest
// of each item is the stations' to judge (station/return_record.hpp), as for a pick list.
std::optional<Fail> check_return_items(const json::object& data) {
  const auto* items = data.if_contains("items");
  if (items == nullptr) return Fail{RejectCode::missing_field, "field 'data.items' is required"};
  if (!items->is_array() || items->get_array().empty() || items->get_array().size() > kMaxLines) {
    return Fail{RejectCode::invalid_field,
                fmt::format("field 'data.items' must be an array of 1 to {} items", kMaxLines)};
  }
  std::size_t index = 0;
  for (const auto& item : items->get_array()) {
    const auto* qty = item.is_object() ? item.get_object().if_contains("qty") : nullptr;
    if (qty == nullptr || !qty->is_int64() || qty->get_int64() <= 0) {
      return Fail{RejectCode::invalid_field,
                  fmt::format("data.items[{}] must be an object with a positive integer qty", index)};
    }
    ++index;
  }
  return std::nullopt;
}

}  // namespace

bool is_return_command(CommandType type) noexcept {
  return type == CommandType::return_expected || type == CommandType::return_cancel ||
         type == CommandType::return_hold || type == CommandType::return_release;
}

std::string_view to_string(CommandType type) noexcept {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "unknown";
}

std::optional<CommandType> command_type_from(std::string_view name) noexcept {
  for (const auto& [t, n] : kTypeNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

std::string_view to_string(RejectCode code) noexcept {
  switch (code) {
    case RejectCode::too_large: return "too_large";
    case RejectCode::malformed_json: return "malformed_json";
    case RejectCode::not_an_object: return "not_an_object";
    case RejectCode::missing_field: return "missing_field";
    case RejectCode::invalid_field: return "invalid_field";
    case RejectCode::unsupported_schema: return "unsupported_schema";
    case RejectCode::unknown_type: return "unknown_type";
    case RejectCode::type_mismatch: return "type_mismatch";
    case RejectCode::unknown_order: return "unknown_order";
    case RejectCode::unknown_return: return "unknown_return";
    case RejectCode::order_exists: return "order_exists";
    case RejectCode::invalid_state: return "invalid_state";
    case RejectCode::storage_error: return "storage_error";
  }
  return "unknown";
}

ParseResult oversized_command(std::string_view topic_type, std::size_t payload_bytes, std::size_t max_bytes) {
  Rejection rejection;
  rejection.type = std::string(topic_type);
  rejection.code = RejectCode::too_large;
  rejection.reason = fmt::format("command of {} bytes exceeds the limit of {} bytes", payload_bytes, max_bytes);
  return rejection;
}

ParseResult parse_command(std::string_view topic_type, std::string_view payload, std::size_t max_bytes) {
  if (payload.size() > max_bytes) return oversized_command(topic_type, payload.size(), max_bytes);
  // Filled in as the message is read, so that every rejection names what could be read of it.
  Rejection rejection;
  auto reject = [&rejection](RejectCode code, std::string reason) -> ParseResult {
    rejection.code = code;
    rejection.reason = std::move(reason);
    return rejection;
  };
  rejection.type = std::string(topic_type);
  boost::system::error_code ec;
  json::value doc = json::parse(payload, ec);
  if (ec) return reject(RejectCode::malformed_json, fmt::format("payload is not valid JSON ({})", ec.message()));
  if (!doc.is_object()) return reject(RejectCode::not_an_object, "payload must be a JSON object");
  const auto& obj = doc.get_object();

  // Read the id first so that every later rejection can name the command it answers.
  Command command;
  if (auto fail = require_id(obj, "id", command.id)) return reject(fail->code, fail->reason);
  rejection.command_id = command.id;

  const auto* schema = obj.if_contains("schema");
  if (schema == nullptr) return reject(RejectCode::missing_field, "field 'schema' is required");
  if (!schema->is_int64() && !schema->is_uint64()) {
    return reject(RejectCode::invalid_field, "field 'schema' must be an integer");
  }
  if (!schema->is_int64() || schema->get_int64() != kSchemaVersion) {
    return reject(RejectCode::unsupported_schema,
                  fmt::format("schema version {} is not supported; this gateway speaks {}",
                              json::serialize(*schema), kSchemaVersion));
  }

  const auto* type = obj.if_contains("type");
  if (type == nullptr) return reject(RejectCode::missing_field, "field 'type' is required");
  if (!type->is_string()) return reject(RejectCode::invalid_field, "field 'type' must be a string");
  const std::string type_name(type->get_string());
  rejection.type = type_name;
  const auto parsed_type = command_type_from(type_name);
  if (!parsed_type) return reject(RejectCode::unknown_type, fmt::format("unknown command type '{}'", type_name));
  if (type_name != topic_type) {
    return reject(RejectCode::type_mismatch,
                  fmt::format("payload type '{}' does not match topic type '{}'", type_name, topic_type));
  }
  command.type = *parsed_type;

  const json::object empty;
  const json::object* data = &empty;
  if (const auto* d = obj.if_contains("data")) {
    if (!d->is_object()) return reject(RejectCode::invalid_field, "field 'data' must be an object");
    data = &d->get_object();
  }

  switch (command.type) {
    case CommandType::rebirth:
      break;
    case CommandType::pick_list:
      if (auto fail = require_id(obj, "order_id", command.order_id)) return reject(fail->code, fail->reason);
      if (auto fail = require_id(obj, "station", command.station)) return reject(fail->code, fail->reason);
      if (auto fail = check_lines(*data)) return reject(fail->code, fail->reason);
      break;
    case CommandType::order_update:
      if (auto fail = require_id(obj, "order_id", command.order_id)) return reject(fail->code, fail->reason);
      if (auto fail = check_lines(*data)) return reject(fail->code, fail->reason);
      break;
    case CommandType::order_cancel:
    case CommandType::order_hold:
    case CommandType::order_release:
      if (auto fail = require_id(obj, "order_id", command.order_id)) return reject(fail->code, fail->reason);
      if (const auto* reason = data->if_contains("reason"); reason != nullptr && !reason->is_string()) {
        return reject(RejectCode::invalid_field, "field 'data.reason' must be a string");
      }
      break;
    case CommandType::return_expected:
      if (auto fail = require_id(obj, "return_id", command.return_id)) return reject(fail->code, fail->reason);
      if (auto fail = require_id(obj, "order_id", command.order_id)) return reject(fail->code, fail->reason);
      if (auto fail = check_return_items(*data)) return reject(fail->code, fail->reason);
      break;
    case CommandType::return_cancel:
    case CommandType::return_hold:
    case CommandType::return_release:
      if (auto fail = require_id(obj, "return_id", command.return_id)) return reject(fail->code, fail->reason);
      if (const auto* reason = data->if_contains("reason"); reason != nullptr && !reason->is_string()) {
        return reject(RejectCode::invalid_field, "field 'data.reason' must be a string");
      }
      break;
  }
  command.data_json = json::serialize(*data);
  command.payload = std::string(payload);
  return command;
}

Rejection order_rejection(const Command& command, const core::Error& error) {
  Rejection rejection;
  switch (error.code) {
    case core::Errc::not_found:
      rejection.code = is_return_command(command.type) ? RejectCode::unknown_return : RejectCode::unknown_order;
      break;
    case core::Errc::already_exists: rejection.code = RejectCode::order_exists; break;
    case core::Errc::failed_precondition: rejection.code = RejectCode::invalid_state; break;
    default: rejection.code = RejectCode::storage_error; break;
  }
  rejection.reason = error.reason;
  rejection.command_id = command.id;
  rejection.type = std::string(to_string(command.type));
  return rejection;
}

Reply accepted_reply(const Command& command, bool duplicate) {
  Reply reply;
  reply.command_id = command.id;
  reply.type = std::string(to_string(command.type));
  reply.accepted = true;
  reply.reason = duplicate ? "command already accepted earlier" : "command accepted";
  reply.duplicate = duplicate;
  return reply;
}

Reply rejected_reply(const Rejection& rejection) {
  Reply reply;
  reply.command_id = rejection.command_id;
  reply.type = rejection.type;
  reply.accepted = false;
  reply.code = rejection.code;
  reply.reason = rejection.reason;
  return reply;
}

std::string reply_json(const Reply& reply, std::int64_t session, std::int64_t now_unix_ms) {
  json::object obj;
  obj["schema"] = kSchemaVersion;
  obj["command_id"] = reply.command_id.empty() ? json::value(nullptr) : json::value(reply.command_id);
  obj["type"] = reply.type.empty() ? json::value(nullptr) : json::value(reply.type);
  obj["status"] = reply.accepted ? "accepted" : "rejected";
  obj["code"] = reply.code ? json::value(std::string(to_string(*reply.code))) : json::value(nullptr);
  obj["reason"] = reply.reason;
  obj["duplicate"] = reply.duplicate;
  obj["session"] = session;
  obj["ts"] = core::format_rfc3339_ms(now_unix_ms);
  return json::serialize(obj);
}

}  // namespace wedge::commands
