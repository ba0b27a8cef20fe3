// ReturnStep (return_step.hpp): start-up and the OMS's return commands — return.expected,
// return.hold, return.release, return.cancel.
#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon/station/order_commands.hpp"
#include "daemon/station/return_step.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

CommandOutcome outcome(bool accepted, std::string code, std::string reason, const ReturnRecord* ret = nullptr) {
  CommandOutcome o;
  o.accepted = accepted;
  o.code = std::move(code);
  o.reason = std::move(reason);
  if (ret) {
    // Where the command found the return: queued (announced, not here yet), at its station, …
    o.intercepted_step = "returns";
    o.intercepted_phase = std::string(to_string(ret->status));
  }
  return o;
}

}  // namespace

void ReturnStep::start() {
  const auto cutoff = ctx_.now_ms() - ctx_.final_order_retention().count();
  if (auto forgotten = store_.forget_ended_before(cutoff); !forgotten)
    spdlog::error("returns: ended returns not purged: {}", forgotten.error().reason);
  else if (*forgotten > 0)
    spdlog::info("{} returns ended before the retention period forgotten", *forgotten);
  returns_.clear();
  at_station_.clear();
  for (auto& record : store_.load_all()) {
    const std::string id = record.return_id;
    auto& ret = returns_.emplace(id, std::move(record)).first->second;
    if (ret.station.empty() || ret.final()) continue;
    auto it = ctx_.stations.find(ret.station);
    if (it == ctx_.stations.end() || !it->second.has("returns")) {
      spdlog::warn("return={} was at station {} which no longer takes returns; scan it at another", id, ret.station);
      ret.station.clear();
      save(ret);
      continue;
    }
    at_station_[ret.station] = id;
    spdlog::info("station={} return={} resumed ({})", ret.station, id, to_string(ret.status));
  }
}

core::Status ReturnStep::check_command(const commands::Command& command) const {
  using commands::CommandType;
  const auto* ret = find(command.return_id);
  if (command.type == CommandType::return_expected) {
    if (!ret) return {};
    return core::fail(core::Errc::already_exists, fmt::format("return {} already exists", command.return_id));
  }
  if (!ret) return core::fail(core::Errc::not_found, fmt::format("return {} is not known here", command.return_id));
  if (ret->final())
    return core::fail(core::Errc::failed_precondition,
                      fmt::format("return {} is {}; {} is not allowed", command.return_id, to_string(ret->status),
                                  commands::to_string(command.type)));
  if (command.type == CommandType::return_hold && ret->status == ReturnStatus::held)
    return core::fail(core::Errc::failed_precondition, fmt::format("return {} is already on hold", command.return_id));
  if (command.type == CommandType::return_release && ret->status != ReturnStatus::held)
    return core::fail(core::Errc::failed_precondition, fmt::format("return {} is not on hold", command.return_id));
  return {};
}

void ReturnStep::emit_command_event(const ReturnRecord& next, std::string_view type, Json data,
                                    Stations::CommandDone done, const commands::Command& command) {
  data["command_id"] = command.id;
  // Applied and saved at once, as for orders: the command is marked applied when this returns, so
  // the replay at the next start would not apply it again. The event follows.
  auto& ret = returns_[next.return_id] = next;
  save(ret);
  if (!ret.station.empty())
    if (auto it = ctx_.stations.find(ret.station); it != ctx_.stations.end()) ctx_.notify(it->second);
  const std::string id = ret.return_id;
  ctx_.commit(ret.station, ret.order_id, type, std::move(data),
              [this, id, done] {
                if (done) done(outcome(true, "accepted", "applied", find(id)));
              },
              [this, id, done](const outbox::AppendResult& result) {
                if (done)
                  done(outcome(true, "accepted", "applied; event not stored: " + outbox_refusal_code(result), find(id)));
              });
}

void ReturnStep::handle_command(const commands::Command& command, Stations::CommandDone done) {
  using commands::CommandType;
  auto reply = [&done](CommandOutcome o) {
    if (done) done(std::move(o));
  };
  // The replay at start meets commands the journal checked against an older state: check again.
  if (auto allowed = check_command(command); !allowed) {
    const bool duplicate = command.type == CommandType::return_expected && allowed.error().code == core::Errc::already_exists;
    if (duplicate) return reply(outcome(true, "duplicate", "return already announced", find(command.return_id)));
    return reply(outcome(false, allowed.error().code == core::Errc::not_found ? "unknown_return" : "invalid_state",
                         allowed.error().reason, find(command.return_id)));
  }
  if (command.type == CommandType::return_expected) {
    auto items = parse_expected_items(command.data_json);
    if (!items) {
      json::array issues;
      for (const auto& issue : items.error())
        issues.push_back(json::object{{"path", issue.path}, {"code", to_string(issue.code)}, {"message", issue.message}});
      Json data{{"return_id", command.return_id}, {"command_id", command.id}, {"issues", std::move(issues)}};
      const std::string reason = items.error().front().path + ": " + items.error().front().message;
      ctx_.commit("", command.order_id, event::kReturnRejected, std::move(data), {});
      return reply(outcome(false, "invalid_return", reason));
    }
    ReturnRecord ret;
    ret.return_id = command.return_id;
    ret.order_id = command.order_id;
    ret.announced = true;
    ret.expected = std::move(*items);
    ret.announced_unix_ms = ctx_.now_ms();
    returns_[ret.return_id] = ret;
    save(ret);
    spdlog::info("return={} order={} expected ({} units)", ret.return_id, ret.order_id, ret.units_expected());
    return reply(outcome(true, "accepted", "return expected", &ret));
  }
  ReturnRecord ret = returns_.at(command.return_id);
  const std::string reason = command_reason(command.data_json);
  Json data = base(ret);
  data["reason"] = reason;
  data["at_station"] = ret.station;
  data["intercepted_status"] = to_string(ret.status);
  switch (command.type) {
    case CommandType::return_hold:
      ret.status = ReturnStatus::held;
      ret.hold_reason = reason;
      return emit_command_event(ret, event::kReturnHeld, std::move(data), std::move(done), command);
    case CommandType::return_release:
      ret.status = ret.started_unix_ms > 0 ? ReturnStatus::open : ReturnStatus::expected;
      ret.hold_reason.clear();
      return emit_command_event(ret, event::kReturnReleased, std::move(data), std::move(done), command);
    case CommandType::return_cancel:
      ret.status = ReturnStatus::cancelled;
      ret.cancel_reason = reason;
      ret.pending.reset();
      ret.ended_unix_ms = ctx_.now_ms();
      // Labels already printed stay valid: those units are graded and on their way.
      data["units_graded"] = static_cast<std::int64_t>(ret.items.size());
      return emit_command_event(ret, event::kReturnCancelled, std::move(data), std::move(done), command);
    default:
      return reply(outcome(false, "internal_error", "not a return command"));
  }
}

}  // namespace wedge::station
