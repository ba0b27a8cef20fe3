#include "daemon/commands/command_store.hpp"

#include <sqlite3.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "daemon/core/storage_health.hpp"

namespace wedge::commands {

namespace {

// RAII for one prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return ok_; }
  Statement& bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  int step() {
    const int rc = sqlite3_step(stmt_);
    core::note_sqlite_result(db_, stmt_, {}, rc);
    return rc;
  }
  std::string text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }
  std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

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
  if (sqlite3_open(db_path.c_str(), &db_) != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(fmt::format("command store {}: {}", db_path, message));
  }
  sqlite3_busy_timeout(db_, 5000);
  // FULL: a command is answered "accepted" only once it is on disk.
  if (!exec("PRAGMA journal_mode=WAL") || !exec("PRAGMA synchronous=FULL") || !exec(kSchema)) {
    std::string message = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(fmt::format("command store {}: {}", db_path, message));
  }
}

CommandStore::~CommandStore() { sqlite3_close(db_); }

bool CommandStore::exec(const char* sql) {
  const auto changes_before = sqlite3_total_changes64(db_);
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  core::note_sqlite_result(db_, nullptr, sql, rc, changes_before);
  return rc == SQLITE_OK;
}

std::optional<OrderRow> CommandStore::order(const std::string& order_id) {
  Statement st(db_, "SELECT order_id, state, station, pick_list FROM orders WHERE order_id = ?");
  if (!st.ok()) return std::nullopt;
  st.bind(1, order_id);
  if (st.step() != SQLITE_ROW) return std::nullopt;
  return OrderRow{st.text(0), st.text(1), st.text(2), st.text(3)};
}

bool CommandStore::hold_for_station(const std::string& order_id, std::string& error) {
  Statement update(db_, "UPDATE orders SET state = 'held' WHERE order_id = ? AND state = 'received'");
  if (update.ok()) {
    update.bind(1, order_id);
    if (update.step() == SQLITE_DONE) return true;
  }
  error = sqlite3_errmsg(db_);
  return false;
}

std::int64_t CommandStore::command_count() {
  Statement st(db_, "SELECT COUNT(*) FROM commands");
  if (!st.ok() || st.step() != SQLITE_ROW) return -1;
  return st.int64(0);
}

Reply CommandStore::submit(const Command& command, std::int64_t now_unix_ms) {
  auto storage_failure = [&](const char* what) {
    const std::string message = sqlite3_errmsg(db_);
    exec("ROLLBACK");
    spdlog::error("command={} store failed during {}: {}", command.id, what, message);
    return rejected_reply(reject(command, RejectCode::storage_error,
                                 fmt::format("the gateway could not store the command ({}); retry later", message)));
  };
  if (!exec("BEGIN IMMEDIATE")) return storage_failure("begin");

  {
    Statement seen(db_, "SELECT 1 FROM commands WHERE id = ?");
    if (!seen.ok()) return storage_failure("lookup");
    seen.bind(1, command.id);
    if (seen.step() == SQLITE_ROW) {
      exec("ROLLBACK");
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
    exec("ROLLBACK");
    return rejected_reply(*rejection);
  }

  {
    Statement insert(db_, "INSERT INTO commands(id, type, order_id, received_unix_ms, payload) VALUES(?, ?, ?, ?, ?)");
    if (!insert.ok()) return storage_failure("insert");
    insert.bind(1, command.id).bind(2, std::string(to_string(command.type))).bind(3, command.order_id);
    insert.bind(4, now_unix_ms).bind(5, command.payload);
    if (insert.step() != SQLITE_DONE) return storage_failure("insert");
  }
  if (effect_sql != nullptr) {
    Statement effect(db_, effect_sql);
    if (!effect.ok()) return storage_failure("order update");
    effect.bind(1, command.order_id);
    effect.bind(2, command.type == CommandType::pick_list ? command.station : new_state);
    effect.bind(3, command.data_json).bind(4, now_unix_ms).bind(5, command.id);
    if (effect.step() != SQLITE_DONE) return storage_failure("order update");
  }
  if (!exec("COMMIT")) return storage_failure("commit");
  return accepted_reply(command, false);
}

}  // namespace wedge::commands
