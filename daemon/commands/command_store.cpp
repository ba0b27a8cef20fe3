#include "daemon/commands/command_store.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <limits>
#include <stdexcept>

namespace wedge::commands {

namespace {

// `orders` is the order table of the versions whose journal checked order states itself; the
// stations own that state now (stations.db), and a stale copy here could only mislead.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS commands(
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  order_id TEXT,
  received_unix_ms INTEGER NOT NULL,
  payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS commands_received ON commands(received_unix_ms);
DROP INDEX IF EXISTS orders_updated;
DROP TABLE IF EXISTS orders;
)sql";

core::Error storage_failure(const storage::Status& status) {
  return core::fail(status.busy() ? core::Errc::unavailable : core::Errc::internal, status.message);
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

core::Result<bool> CommandStore::known(const std::string& command_id) {
  storage::Statement seen;
  if (auto status = db_.prepare("SELECT 1 FROM commands WHERE id = ?", seen); !status) return storage_failure(status);
  seen.bind(1, command_id);
  const auto status = seen.step();
  if (!status) return storage_failure(status);
  return status.row();
}

core::Status CommandStore::store(const Command& command, std::int64_t now_unix_ms) {
  storage::Transaction transaction(db_);
  auto status = transaction.begin(storage::Transaction::Mode::immediate);
  storage::Statement insert;
  if (status)
    status = db_.prepare("INSERT INTO commands(id, type, order_id, received_unix_ms, payload) VALUES(?, ?, ?, ?, ?)",
                         insert);
  if (status) {
    insert.bind(1, command.id).bind(2, to_string(command.type)).bind(3, command.order_id);
    insert.bind(4, now_unix_ms).bind(5, command.payload);
    status = insert.step();
  }
  if (status) status = transaction.commit();
  if (!status) return storage_failure(status);
  return {};
}

std::int64_t CommandStore::command_count() {
  std::int64_t count = -1;
  if (!db_.query_int("SELECT COUNT(*) FROM commands", count)) return -1;
  return count;
}

core::Result<JournalPurge> CommandStore::purge(const std::string& stations_db_path, std::int64_t cutoff_unix_ms,
                                               std::int64_t limit) {
  JournalPurge out;
  std::error_code ec;
  if (!std::filesystem::exists(stations_db_path, ec)) return out;
  storage::Statement attach;
  auto status = db_.prepare("ATTACH DATABASE ?1 AS st", attach);
  if (status) status = attach.bind(1, stations_db_path).run();  // exists (checked above): ATTACH creates nothing
  if (!status) return storage_failure(status);
  {
    storage::Statement del;
    storage::Transaction transaction(db_);
    status = transaction.begin(storage::Transaction::Mode::immediate);
    if (status)
      status = db_.prepare(
          "DELETE FROM commands WHERE rowid IN (SELECT c.rowid FROM commands c WHERE c.received_unix_ms < ?1"
          " AND NOT EXISTS (SELECT 1 FROM st.station_orders s WHERE s.order_id = c.order_id) LIMIT ?2)",
          del);
    if (status) status = del.bind(1, cutoff_unix_ms).bind(2, limit).run();
    if (status) out.commands = db_.changes();
    if (status) status = transaction.commit();
  }
  // Read only: stations.db is written by the loop alone, which drops these ids itself. An id
  // marked handled meanwhile belongs to a command that is in the journal, so it is never listed.
  storage::Statement stale;
  if (status)
    status = db_.prepare("SELECT h.id FROM st.handled_commands h WHERE NOT EXISTS"
                         " (SELECT 1 FROM commands c WHERE c.id = h.id) LIMIT ?1",
                         stale);
  if (status) {
    stale.bind(1, limit);
    while ((status = stale.step()).row()) out.handled_to_forget.emplace_back(stale.column_text(0));
    stale.reset();
  }
  const auto detached = db_.exec("DETACH DATABASE st");
  if (!status) return storage_failure(status);
  if (!detached) return storage_failure(detached);
  return out;
}

core::Result<StoredCommands> read_stored_commands(const std::string& db_path, std::int64_t after_rowid) {
  StoredCommands out;
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return out;
  storage::Connection db;
  auto status = db.open(db_path, false, "");
  if (status) status = db.exec("PRAGMA busy_timeout=2000;");
  if (status) status = db.query_int("SELECT COALESCE(MAX(rowid), 0) FROM commands", out.max_rowid);
  storage::Statement select;
  if (status) status = db.prepare("SELECT rowid, type, payload FROM commands WHERE rowid > ?1 ORDER BY rowid", select);
  if (status) {
    select.bind(1, after_rowid);
    while ((status = select.step()).row()) {
      // The journal holds only commands the link accepted, so they parse again; the size limit was
      // checked on arrival and is not re-applied here.
      auto parsed = parse_command(select.column_text(1), select.column_text(2), std::numeric_limits<std::size_t>::max());
      if (parsed) out.entries.push_back({select.column_int(0), std::move(*parsed)});
    }
    select.reset();
  }
  if (!status) return core::fail(core::Errc::unavailable, db_path + ": " + status.message);
  return out;
}

}  // namespace wedge::commands
