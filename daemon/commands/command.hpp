// OMS commands: parsing and validation of one command message (docs/mqtt-api.md, "Commands").
//
// parse_command() is a pure function: it never throws, whatever the bytes, and returns either a
// Command or a Rejection with a machine-readable code and a human sentence. The duplicate-id check
// is the CommandJournal's (commands.db); the checks that need the order's state (unknown order,
// order exists, wrong state) are the stations' (stations.db), which answer them as a core::Status
// that order_rejection() turns into the wire's code. reply_json() renders the message published on
// the ack topic. Any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "daemon/core/result.hpp"

namespace wedge::commands {

inline constexpr int kSchemaVersion = 1;

enum class CommandType {
  pick_list, order_cancel, order_hold, order_release, order_update, rebirth,
  // Returns (docs/workflows.md, "Returns"): keyed by return_id, not order_id.
  return_expected, return_cancel, return_hold, return_release
};

// return.expected, return.cancel, return.hold, return.release.
[[nodiscard]] bool is_return_command(CommandType type) noexcept;

std::string_view to_string(CommandType type) noexcept;             // "pick_list", "order.cancel", ...
std::optional<CommandType> command_type_from(std::string_view name) noexcept;

enum class RejectCode {
  too_large,           // payload over max_command_bytes
  malformed_json,      // not JSON at all
  not_an_object,       // JSON, but not an object
  missing_field,       // a required field is absent
  invalid_field,       // a field has the wrong type or value
  unsupported_schema,  // "schema" is not a version this gateway speaks
  unknown_type,        // "type" (or the topic's last level) names no command
  type_mismatch,       // topic says one type, payload another
  unknown_order,       // order command for an order id never received in a pick_list
  unknown_return,      // return.cancel/hold/release for a return id this gateway does not know
  order_exists,        // pick_list for an order id that already exists (under another command id)
  invalid_state,       // transition not allowed from the order's state (e.g. release of a running order)
  storage_error,       // SQLite could not store the command; the OMS should retry
};

std::string_view to_string(RejectCode code) noexcept;

struct Rejection {
  RejectCode code = RejectCode::malformed_json;
  std::string reason;      // one human sentence
  std::string command_id;  // when it could be read
  std::string type;        // when it could be read
};

struct Command {
  std::string id;
  CommandType type = CommandType::rebirth;
  std::string order_id;   // empty for rebirth and return.cancel/hold/release
  std::string return_id;  // return.* only: the RMA (return.expected) or the id return.received gave
  std::string station;    // pick_list only
  std::string data_json;  // the "data" object, re-serialised ("{}" when absent)
  std::string payload;    // the message as received
};

// core::Result's error for boost::system::result: value() of a rejection is a programming error.
[[noreturn]] inline void throw_exception_from_error(const Rejection& rejection, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(rejection.code)) + ": " + rejection.reason);
}

// The command, or the Rejection that answers it (core::Result with the wire's richer error).
using ParseResult = core::Result<Command, Rejection>;

// `topic_type` is the last level(s) of the command topic ({base}/cmd/{type}).
ParseResult parse_command(std::string_view topic_type, std::string_view payload, std::size_t max_bytes);
// The too_large rejection of a command of `payload_bytes` that was not read at all because of its
// size (the command channel skips such a PUBLISH); parse_command() gives the same for one it read.
ParseResult oversized_command(std::string_view topic_type, std::size_t payload_bytes, std::size_t max_bytes);

struct Reply {
  std::string command_id;   // "" when unknown (rendered as null)
  std::string type;         // "" when unknown
  bool accepted = false;
  std::optional<RejectCode> code;  // set when rejected
  std::string reason;
  bool duplicate = false;          // the command id was already accepted earlier
};

// The rejection of `command` for a failed order check of the stations: not_found → unknown_order,
// already_exists → order_exists, failed_precondition → invalid_state; any other code (the stations
// could not read stations.db) → storage_error, which asks the OMS to retry.
Rejection order_rejection(const Command& command, const core::Error& error);

Reply accepted_reply(const Command& command, bool duplicate);
Reply rejected_reply(const Rejection& rejection);
std::string reply_json(const Reply& reply, std::int64_t session, std::int64_t now_unix_ms);

}  // namespace wedge::commands
