#include "daemon/station/order_store.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace wedge::station {

OrderStore::OrderStore(const std::string& db_path) {
  auto status = db_.open(db_path, true, "");
  if (!status) throw std::runtime_error(status.message);
  status = db_.exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=2000;"
      "CREATE TABLE IF NOT EXISTS station_orders("
      " order_id TEXT PRIMARY KEY, rank INTEGER NOT NULL, record TEXT NOT NULL,"
      " updated_unix_ms INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER) * 1000));");
  if (!status) throw std::runtime_error(db_path + ": " + status.message);
  status = db_.prepare(
      "INSERT INTO station_orders(order_id, rank, record) VALUES(?1, ?2, ?3) "
      "ON CONFLICT(order_id) DO UPDATE SET rank = excluded.rank, record = excluded.record, "
      "updated_unix_ms = CAST(strftime('%s','now') AS INTEGER) * 1000",
      upsert_);
  if (!status) throw std::runtime_error(db_path + ": " + status.message);
}

bool OrderStore::save(const OrderRecord& record, std::string& error) {
  upsert_.bind(1, record.order_id);
  upsert_.bind(2, record.rank);
  upsert_.bind(3, order_record_json(record));
  auto status = upsert_.step();
  upsert_.reset();
  if (!status) {
    error = status.message;
    return false;
  }
  return true;
}

std::vector<OrderRecord> OrderStore::load_all() {
  std::vector<OrderRecord> out;
  outbox::sqlite::Statement select;
  if (!db_.prepare("SELECT order_id, record FROM station_orders ORDER BY rank", select)) return out;
  while (select.step().code == SQLITE_ROW) {
    std::string error;
    auto record = order_record_from_json(select.column_text(1), error);
    if (!record) {
      spdlog::error("order={} stored progress unreadable, skipped: {}", select.column_text(0), error);
      continue;
    }
    out.push_back(std::move(*record));
  }
  select.reset();
  return out;
}

std::int64_t OrderStore::max_rank() {
  std::int64_t value = 0;
  (void)db_.query_int("SELECT COALESCE(MAX(rank), 0) FROM station_orders", value);
  return value;
}

}  // namespace wedge::station
