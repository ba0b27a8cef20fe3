#include "daemon/station/command_journal.hpp"

#include <filesystem>
#include <limits>

#include "daemon/storage/sqlite.hpp"

namespace wedge::station {

JournalRead read_command_journal(const std::string& db_path, std::int64_t after_rowid) {
  JournalRead out;
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return out;
  storage::Connection db;
  auto status = db.open(db_path, false, "");
  if (status) status = db.exec("PRAGMA busy_timeout=2000;");
  if (status) status = db.query_int("SELECT COALESCE(MAX(rowid), 0) FROM commands", out.max_rowid);
  storage::Statement select;
  if (status) status = db.prepare("SELECT rowid, type, payload FROM commands WHERE rowid > ?1 ORDER BY rowid", select);
  if (!status) {
    out.error = db_path + ": " + status.message;
    return out;
  }
  select.bind(1, after_rowid);
  for (;;) {
    status = select.step();
    if (status.code != SQLITE_ROW) break;
    // The journal holds only commands the link accepted, so they parse again; the size limit was
    // checked on arrival and is not re-applied here.
    auto parsed = commands::parse_command(select.column_text(1), select.column_text(2),
                                          std::numeric_limits<std::size_t>::max());
    if (parsed) out.entries.push_back({select.column_int(0), std::move(*parsed.command)});
  }
  if (!status) out.error = db_path + ": " + status.message;
  select.reset();
  return out;
}

JournalPurge purge_command_journal(const std::string& db_path, const std::string& stations_db_path,
                                   std::int64_t cutoff_unix_ms, std::int64_t limit) {
  JournalPurge out;
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec) || !std::filesystem::exists(stations_db_path, ec)) return out;
  storage::Connection db;
  auto status = db.open(db_path, false, "");
  // Losing this transaction in a power cut only means doing it again: no fsync of its own.
  if (status) status = db.exec("PRAGMA busy_timeout=2000; PRAGMA synchronous=NORMAL;");
  storage::Statement attach;
  if (status) status = db.prepare("ATTACH DATABASE ?1 AS st", attach);
  if (status) {
    attach.bind(1, stations_db_path);  // exists (checked above): ATTACH creates nothing
    status = attach.step();
    attach.reset();
  }
  storage::Statement orders;
  storage::Statement commands;
  if (status)
    status = db.prepare(
        "DELETE FROM orders WHERE rowid IN (SELECT o.rowid FROM orders o WHERE o.updated_unix_ms < ?1"
        " AND NOT EXISTS (SELECT 1 FROM st.station_orders s WHERE s.order_id = o.order_id) LIMIT ?2)",
        orders);
  if (status)
    status = db.prepare(
        "DELETE FROM commands WHERE rowid IN (SELECT c.rowid FROM commands c WHERE c.received_unix_ms < ?1"
        " AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = c.order_id) LIMIT ?2)",
        commands);
  // Runs one of the two deletes; the rows it removed go to `removed`.
  auto run = [&](storage::Statement& del, std::int64_t& removed) {
    del.bind(1, cutoff_unix_ms);
    del.bind(2, limit);
    status = del.step();
    removed = db.changes();
    del.reset();
  };
  if (status) status = db.exec("BEGIN IMMEDIATE");
  if (status) run(orders, out.orders);
  if (status) run(commands, out.commands);
  if (status) status = db.exec("COMMIT");
  if (!status) {
    if (db.in_transaction()) (void)db.exec("ROLLBACK");
    out = JournalPurge{};
    out.error = db_path + ": " + status.message;
    return out;
  }
  // Read only: stations.db is written by the loop alone, which drops these ids itself. An id
  // marked handled meanwhile belongs to a command that is in the journal, so it is never listed.
  storage::Statement stale;
  if (db.prepare("SELECT h.id FROM st.handled_commands h WHERE NOT EXISTS"
                 " (SELECT 1 FROM commands c WHERE c.id = h.id) LIMIT ?1",
                 stale)) {
    stale.bind(1, limit);
    while (stale.step().code == SQLITE_ROW) out.handled_to_forget.emplace_back(stale.column_text(0));
  }
  return out;
}

}  // namespace wedge::station
