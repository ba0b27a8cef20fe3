#include "daemon/station/order_store.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

namespace wedge::station {

OrderStore::OrderStore(const std::string& db_path) {
  storage::Connection::Options options;
  options.path = db_path;
  options.synchronous = "NORMAL";
  options.busy_timeout = std::chrono::milliseconds(2000);
  options.setup.emplace_back(
      "CREATE TABLE IF NOT EXISTS station_orders("
      " order_id TEXT PRIMARY KEY, rank INTEGER NOT NULL, record TEXT NOT NULL,"
      " updated_unix_ms INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER) * 1000),"
      " final_sscc TEXT NOT NULL DEFAULT '');"
      "CREATE TABLE IF NOT EXISTS handled_commands(id TEXT PRIMARY KEY);"
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);");
  db_ = storage::open_or_throw(options);
  // stations.db from before ended orders left memory: the column, filled from the records once.
  std::int64_t has_column = 0;
  if (!db_.query_int("SELECT COUNT(*) FROM pragma_table_info('station_orders') WHERE name = 'final_sscc'", has_column))
    throw std::runtime_error(db_path + ": cannot read the table's columns");
  if (has_column == 0) {
    auto status = db_.exec(
        "BEGIN; ALTER TABLE station_orders ADD COLUMN final_sscc TEXT NOT NULL DEFAULT '';"
        "UPDATE station_orders SET final_sscc = COALESCE(json_extract(record, '$.label.sscc'), '')"
        " WHERE json_extract(record, '$.status') IN ('shipped', 'cancelled'); COMMIT;");
    if (!status) {
      (void)db_.exec("ROLLBACK");
      throw std::runtime_error(db_path + ": adding column final_sscc: " + status.message);
    }
  }
  // Scans of a label look up an ended order by its SSCC (ended orders are not in memory). The
  // column is set only once the order ended, and the index is partial: an entry for every order
  // would be rewritten with each save of its record, a second WAL page per scan (and an index on
  // json_extract would parse the record twice per save).
  auto status = db_.exec(
      "DROP INDEX IF EXISTS station_orders_sscc;"
      "CREATE INDEX IF NOT EXISTS station_orders_final_sscc ON station_orders(final_sscc) WHERE final_sscc <> '';");
  if (!status) throw std::runtime_error(db_path + ": " + status.message);
  status = db_.prepare(
      "INSERT INTO station_orders(order_id, rank, record, final_sscc) VALUES(?1, ?2, ?3, ?4) "
      "ON CONFLICT(order_id) DO UPDATE SET rank = excluded.rank, record = excluded.record, "
      "updated_unix_ms = CAST(strftime('%s','now') AS INTEGER) * 1000, final_sscc = excluded.final_sscc",
      upsert_);
  if (!status) throw std::runtime_error(db_path + ": " + status.message);
  status = db_.prepare("INSERT OR IGNORE INTO handled_commands(id) VALUES(?1)", mark_handled_);
  if (status) status = db_.prepare("SELECT 1 FROM handled_commands WHERE id = ?1", find_handled_);
  if (status) status = db_.prepare("SELECT record FROM station_orders WHERE order_id = ?1", select_one_);
  if (status)
    status = db_.prepare(
        "SELECT order_id FROM station_orders WHERE final_sscc = ?1 AND final_sscc <> '' LIMIT 1",
        select_sscc_);
  if (!status) throw std::runtime_error(db_path + ": " + status.message);
  checkpointer_ = std::make_unique<storage::WalCheckpointer>(
      storage::WalCheckpointer::Options{db_path, "", "stations"});
  if (auto attached = checkpointer_->attach(db_); !attached) {
    spdlog::warn("stations: WAL checkpoints stay on the event loop: {}", attached.message);
    checkpointer_.reset();
  }
}

void OrderStore::mark_handled(const std::string& command_id) {
  mark_handled_.bind(1, command_id);
  auto status = mark_handled_.step();
  mark_handled_.reset();
  if (!status) spdlog::error("command={} not recorded as applied: {}", command_id, status.message);
}

core::Result<bool> OrderStore::handled(const std::string& command_id) {
  find_handled_.bind(1, command_id);
  const auto status = find_handled_.step();
  find_handled_.reset();
  if (!status) return core::fail(core::Errc::unavailable, status.message);
  return status.code == SQLITE_ROW;
}

std::optional<std::int64_t> OrderStore::journal_watermark() {
  std::int64_t count = 0;
  if (!db_.query_int("SELECT COUNT(*) FROM meta WHERE key = 'journal_watermark'", count) || count == 0)
    return std::nullopt;
  std::int64_t value = 0;
  (void)db_.query_int("SELECT value FROM meta WHERE key = 'journal_watermark'", value);
  return value;
}

void OrderStore::advance_journal_watermark(std::int64_t rowid) {
  auto status = db_.exec("BEGIN; INSERT INTO meta(key, value) VALUES('journal_watermark', " + std::to_string(rowid) +
                         ") ON CONFLICT(key) DO UPDATE SET value = excluded.value; DELETE FROM handled_commands; COMMIT;");
  if (!status) {
    (void)db_.exec("ROLLBACK");
    spdlog::error("command journal watermark not stored: {}", status.message);
  }
}

core::Status OrderStore::save(const OrderRecord& record) {
  upsert_.bind(1, record.order_id);
  upsert_.bind(2, record.rank);
  upsert_.bind(3, order_record_json(record));
  // "" and not {}: a null pointer binds NULL, which the column refuses.
  upsert_.bind(4, record.final() ? std::string_view(record.label.sscc) : std::string_view(""));
  auto status = upsert_.step();
  upsert_.reset();
  if (!status) return core::fail(core::Errc::unavailable, status.message);
  return {};
}

namespace {

// Shipped, cancelled and handed over, in the record's own words (workflow_order.cpp).
constexpr const char* kFinalStatus = "json_extract(record, '$.status') IN ('shipped', 'cancelled', 'handed_over')";

}  // namespace

std::vector<OrderRecord> OrderStore::load_all() { return load_where(""); }

std::vector<OrderRecord> OrderStore::load_open() {
  return load_where(std::string(" WHERE NOT (") + kFinalStatus + ") OR json_extract(record, '$.station') <> ''");
}

std::optional<std::string> OrderStore::load_text(const std::string& order_id) {
  select_one_.bind(1, order_id);
  std::optional<std::string> text;
  if (select_one_.step().code == SQLITE_ROW) text = select_one_.column_text(0);
  select_one_.reset();
  return text;
}

std::optional<OrderRecord> OrderStore::load(const std::string& order_id) {
  const auto text = load_text(order_id);
  if (!text) return std::nullopt;
  auto record = order_record_from_json(*text);
  if (!record) {
    spdlog::error("order={} stored progress unreadable: {}", order_id, record.reason());
    return std::nullopt;
  }
  return std::move(*record);
}

std::optional<std::string> OrderStore::order_with_sscc(const std::string& sscc) {
  if (sscc.empty()) return std::nullopt;  // every order without a label has ""
  select_sscc_.bind(1, sscc);
  std::optional<std::string> id;
  if (select_sscc_.step().code == SQLITE_ROW) id = select_sscc_.column_text(0);
  select_sscc_.reset();
  return id;
}

std::vector<std::string> OrderStore::final_ended_before(std::int64_t cutoff_unix_ms) {
  std::vector<std::string> out;
  storage::Statement select;
  // The plain column first: an order last saved after the cutoff cannot have ended before it (give
  // or take the column's whole seconds: such an order goes an hour later), so only the rows that
  // aged past the cutoff since the last purge have their JSON parsed. At 40,000 stored orders that
  // keeps this hourly query on the event loop at ~40 ms instead of ~170 ms.
  const std::string sql = std::string("SELECT order_id FROM station_orders WHERE updated_unix_ms < ?1 AND ") +
                          kFinalStatus +
                          " AND COALESCE(NULLIF(json_extract(record, '$.ended'), 0),"
                          " json_extract(record, '$.received')) < ?1";
  if (!db_.prepare(sql, select)) return out;
  select.bind(1, cutoff_unix_ms);
  while (select.step().code == SQLITE_ROW) out.push_back(select.column_text(0));
  select.reset();
  return out;
}

core::Status OrderStore::remove_all(const std::vector<std::string>& order_ids) {
  return delete_each("DELETE FROM station_orders WHERE order_id = ?1", order_ids);
}

core::Status OrderStore::forget_handled(const std::vector<std::string>& command_ids) {
  return delete_each("DELETE FROM handled_commands WHERE id = ?1", command_ids);
}

core::Status OrderStore::delete_each(const char* sql, const std::vector<std::string>& keys) {
  if (keys.empty()) return {};
  storage::Statement del;
  storage::Transaction transaction(db_);
  auto status = transaction.begin();
  if (status) status = db_.prepare(sql, del);
  for (std::size_t i = 0; status && i < keys.size(); ++i) status = del.bind(1, keys[i]).run();
  if (status) status = transaction.commit();
  if (!status) return core::fail(core::Errc::unavailable, status.message);
  return {};
}

std::vector<OrderRecord> OrderStore::load_where(const std::string& where) {
  std::vector<OrderRecord> out;
  storage::Statement select;
  if (!db_.prepare("SELECT order_id, record FROM station_orders" + where + " ORDER BY rank", select)) return out;
  while (select.step().code == SQLITE_ROW) {
    auto record = order_record_from_json(select.column_text(1));
    if (!record) {
      spdlog::error("order={} stored progress unreadable, skipped: {}", select.column_text(0), record.reason());
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
