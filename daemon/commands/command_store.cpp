#include "daemon/commands/command_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

namespace wedge::commands {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS commands(
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  order_id TEXT,
  received_unix_ms INTEGER NOT NULL,
  payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders(
  order_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  station TEXT NOT NULL,
  pick_list TEXT NOT NULL,
  updated_unix_ms INTEGER NOT NULL,
  last_command_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS commands_received ON commands(received_unix_ms);
CREATE INDEX IF NOT EXISTS orders_updated ON orders(updated_unix_ms);
)sql";

Rejection reject(const Command& command, RejectCode code, std::string reason) {
  Rejection r;
  r.code = code;
  r.reason = std::move(reason);
  r.command_id = command.id;
  r.type = std::string(to_string(command.type));
  return r;
}

}  // namespace

CommandStore::CommandStore(const std::string& db_path) {
  storage::Connection::Options options;
  options.path = db_path;
  options.busy_timeout = std::chrono::milliseconds(5000);
  // FULL: a command is answered "accepted" only once it is on disk.
  options.synchronous = "FULL";
  options.setup.emplace_back(kSchema);
  if (auto status = db_.open(options); !status)
    throw std::runtime_error(fmt::format("command store {}: {}", db_path, status.message));
}

CommandStore::~CommandStore() = default;

std::optional<OrderRow> CommandStore::order(const std::string& order_id) {
  storage::Statement st;
  if (!db_.prepare("SELECT order_id, state, station, pick_list FROM orders WHERE order_id = ?", st)) return std::nullopt;
  st.bind(1, order_id);
  if (!st.step().row()) return std::nullopt;
  return OrderRow{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3)};
}

bool CommandStore::hold_for_station(const std::string& order_id, std::string& error) {
  storage::Statement update;
  auto status = db_.prepare("UPDATE orders SET state = 'held' WHERE order_id = ? AND state = 'received'", update);
  if (status) {
    update.bind(1, order_id);
    status = update.step();
  }
  if (status) return true;
  error = status.message;
  return false;
}

std::int64_t CommandStore::command_count() {
  std::int64_t count = -1;
  if (!db_.query_int("SELECT COUNT(*) FROM commands", count)) return -1;
  return count;
}

Reply CommandStore::submit(const Command& command, std::int64_t now_unix_ms) {
  storage::Transaction transaction(db_);
  auto storage_failure = [&](const char* what, const storage::Status& status) {
    const std::string& message = status.message;
    transaction.rollback();
    spdlog::error("command={} store failed during {}: {}", command.id, what, message);
    return rejected_reply(reject(command, RejectCode::storage_error,
                                 fmt::format("the gateway could not store the command ({}); retry later", message)));
  };
  if (auto status = transaction.begin(storage::Transaction::Mode::immediate); !status)
    return storage_failure("begin", status);

  {
    storage::Statement seen;
    if (auto status = db_.prepare("SELECT 1 FROM commands WHERE id = ?", seen); !status)
      return storage_failure("lookup", status);
    seen.bind(1, command.id);
    if (seen.step().row()) {
      transaction.rollback();
      return accepted_reply(command, true);
    }
  }

  std::optional<OrderRow> existing;
  if (command.type != CommandType::rebirth) existing = order(command.order_id);

  std::optional<Rejection> rejection;
  const char* effect_sql = nullptr;
  std::string new_state;
  switch (command.type) {
    case CommandType::rebirth:
      break;
    case CommandType::pick_list:
      if (existing) {
        rejection = reject(command, RejectCode::order_exists,
                           fmt::format("order {} already exists; use order.update to change it", command.order_id));
      }
      effect_sql =
          "INSERT INTO orders(order_id, state, station, pick_list, updated_unix_ms, last_command_id) "
          "VALUES(?1, 'received', ?2, ?3, ?4, ?5)";
      break;
    case CommandType::order_update:
    case CommandType::order_cancel:
    case CommandType::order_hold:
    case CommandType::order_release: {
      if (!existing) {
        rejection = reject(command, RejectCode::unknown_order,
                           fmt::format("order {} was never received in a pick_list", command.order_id));
        break;
      }
      const std::string& state = existing->state;
      const auto type_name = to_string(command.type);
      if (state == "cancelled") {
        rejection = reject(command, RejectCode::invalid_state,
                           fmt::format("order {} is cancelled; {} is not allowed", command.order_id, type_name));
        break;
      }
      if (command.type == CommandType::order_hold && state == "held") {
        rejection = reject(command, RejectCode::invalid_state, fmt::format("order {} is already on hold", command.order_id));
        break;
      }
      if (command.type == CommandType::order_release && state != "held") {
        rejection = reject(command, RejectCode::invalid_state, fmt::format("order {} is not on hold", command.order_id));
        break;
      }
      if (command.type == CommandType::order_update) {
        effect_sql = "UPDATE orders SET pick_list = ?3, updated_unix_ms = ?4, last_command_id = ?5 WHERE order_id = ?1";
      } else {
        new_state = command.type == CommandType::order_cancel ? "cancelled"
                    : command.type == CommandType::order_hold ? "held"
                                                              : "received";
        effect_sql = "UPDATE orders SET state = ?2, updated_unix_ms = ?4, last_command_id = ?5 WHERE order_id = ?1";
      }
      break;
    }
  }
  if (rejection) {
    transaction.rollback();
    return rejected_reply(*rejection);
  }

  {
    storage::Statement insert;
    if (auto status = db_.prepare("INSERT INTO commands(id, type, order_id, received_unix_ms, payload) VALUES(?, ?, ?, ?, ?)", insert); !status)
      return storage_failure("insert", status);
    insert.bind(1, command.id).bind(2, to_string(command.type)).bind(3, command.order_id);
    insert.bind(4, now_unix_ms).bind(5, command.payload);
    if (auto status = insert.step(); status.code != SQLITE_DONE) return storage_failure("insert", status);
  }
  if (effect_sql != nullptr) {
    storage::Statement effect;
    if (auto status = db_.prepare(effect_sql, effect); !status) return storage_failure("order update", status);
    effect.bind(1, command.order_id);
    effect.bind(2, command.type == CommandType::pick_list ? command.station : new_state);
    effect.bind(3, command.data_json).bind(4, now_unix_ms).bind(5, command.id);
    if (auto status = effect.step(); status.code != SQLITE_DONE) return storage_failure("order update", status);
  }
  if (auto status = transaction.commit(); !status) return storage_failure("commit", status);
  return accepted_reply(command, false);
}

}  // namespace wedge::commands
