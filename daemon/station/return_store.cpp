#include "daemon/station/return_store.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace wedge::station {

ReturnStore::ReturnStore(storage::Connection& db) : db_(db) {
  auto status = db_.exec(
      "CREATE TABLE IF NOT EXISTS returns("
      " return_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, status TEXT NOT NULL,"
      " ended_unix_ms INTEGER NOT NULL, record TEXT NOT NULL);");
  if (status)
    status = db_.prepare(
        "INSERT INTO returns(return_id, order_id, status, ended_unix_ms, record) VALUES(?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(return_id) DO UPDATE SET order_id = excluded.order_id, status = excluded.status, "
        "ended_unix_ms = excluded.ended_unix_ms, record = excluded.record",
        upsert_);
  if (!status) throw std::runtime_error("stations.db returns: " + status.message);
}

core::Status ReturnStore::save(const ReturnRecord& record) {
  upsert_.bind(1, record.return_id).bind(2, record.order_id).bind(3, to_string(record.status));
  upsert_.bind(4, record.ended_unix_ms).bind(5, return_record_json(record));
  auto status = upsert_.step();
  upsert_.reset();
  if (!status) return core::fail(core::Errc::unavailable, status.message);
  return {};
}

std::vector<ReturnRecord> ReturnStore::load_all() {
  std::vector<ReturnRecord> out;
  storage::Statement select;
  if (!db_.prepare("SELECT return_id, record FROM returns ORDER BY rowid", select)) return out;
  while (select.step().code == SQLITE_ROW) {
    auto record = return_record_from_json(select.column_text(1));
    if (!record) {
      spdlog::error("return={} stored record unreadable, skipped: {}", select.column_text(0), record.reason());
      continue;
    }
    out.push_back(std::move(*record));
  }
  select.reset();
  return out;
}

core::Result<std::int64_t> ReturnStore::forget_ended_before(std::int64_t cutoff_unix_ms) {
  storage::Statement del;
  auto status = db_.prepare(
      "DELETE FROM returns WHERE status IN ('completed', 'cancelled') AND ended_unix_ms < ?1", del);
  if (status) status = del.bind(1, cutoff_unix_ms).run();
  if (!status) return core::fail(core::Errc::unavailable, status.message);
  return db_.changes();
}

}  // namespace wedge::station
