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
      // Accepted item scans since the order's record was last written (save_pick), n from 1 in
      // scan order; keyed by order so that one scan is one B-tree insert and one WAL page.
      "CREATE TABLE IF NOT EXISTS station_order_picks(order_id TEXT NOT NULL, n INTEGER NOT NULL,"
      " line INTEGER NOT NULL, qty INTEGER NOT NULL, serial TEXT NOT NULL, lot TEXT NOT NULL DEFAULT '',"
      " PRIMARY KEY(order_id, n)) WITHOUT ROWID;"
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
  create_label_index(db_path);
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
  if (status)
    status = db_.prepare("SELECT order_id, parcel FROM station_order_labels WHERE label = ?1", select_label_);
  if (status) status = db_.prepare("DELETE FROM station_order_labels WHERE order_id = ?1", delete_labels_);
  if (status)
    status = db_.prepare("INSERT OR REPLACE INTO station_order_labels(label, order_id, parcel) VALUES(?1, ?2, ?3)",
                         insert_label_);
  if (status)
    status = db_.prepare("INSERT INTO station_order_picks(order_id, n, line, qty, serial, lot) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                         insert_pick_);
  if (status)
    status = db_.prepare("SELECT line, qty, serial, lot FROM station_order_picks WHERE order_id = ?1 ORDER BY n",
                         select_picks_);
  if (status) status = db_.prepare("DELETE FROM station_order_picks WHERE order_id = ?1", delete_picks_);
  if (!status) throw std::runtime_error(db_path + ": " + status.message);
  storage::Statement behind;
  status = db_.prepare("SELECT order_id, MAX(n) FROM station_order_picks GROUP BY order_id", behind);
  if (!status) throw std::runtime_error(db_path + ": " + status.message);
  while ((status = behind.step()).row()) picks_behind_[behind.column_text(0)] = behind.column_int(1);
  if (!status) throw std::runtime_error(db_path + ": reading the pick rows: " + status.message);
  behind.reset();
  checkpointer_ = std::make_unique<storage::WalCheckpointer>(
      storage::WalCheckpointer::Options{db_path, "", "stations"});
  if (auto attached = checkpointer_->attach(db_); !attached) {
    spdlog::warn("stations: WAL checkpoints stay on the event loop: {}", attached.message);
    checkpointer_.reset();
  }
}

namespace {

// The labels of an ended order that final_sscc does not hold: each parcel's label of an order in
// several parcels, and a carrier's label known only by its tracking number. (text, parcel number;
// 0 for the order's own label.)
std::vector<std::pair<std::string, std::int64_t>> extra_labels(const OrderRecord& record) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (record.label.sscc.empty() && !record.label.tracking.empty()) out.emplace_back(record.label.tracking, 0);
  for (const auto& p : record.parcels) {
    const std::string& text = p.label.sscc.empty() ? p.label.tracking : p.label.sscc;
    if (!text.empty()) out.emplace_back(text, p.number);
  }
  return out;
}

}  // namespace

void OrderStore::create_label_index(const std::string& db_path) {
  std::int64_t existed = 0;
  if (!db_.query_int("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'station_order_labels'", existed))
    throw std::runtime_error(db_path + ": cannot read the schema");
  // Filled from the records once, for ended orders stored before the table existed.
  const std::string label = "COALESCE(NULLIF(json_extract(p.value, '$.label.sscc'), ''), json_extract(p.value, '$.label.tracking'), '')";
  auto status = db_.exec(
      "BEGIN;"
      "CREATE TABLE IF NOT EXISTS station_order_labels(label TEXT PRIMARY KEY, order_id TEXT NOT NULL,"
      " parcel INTEGER NOT NULL) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS station_order_labels_order ON station_order_labels(order_id);" +
      (existed != 0 ? std::string()
                    : "INSERT OR REPLACE INTO station_order_labels(label, order_id, parcel)"
                      " SELECT " + label + ", o.order_id, COALESCE(json_extract(p.value, '$.number'), 0)"
                      " FROM station_orders o, json_each(o.record, '$.parcels') p"
                      " WHERE json_extract(o.record, '$.status') IN ('shipped', 'cancelled', 'handed_over')"
                      " AND " + label + " <> '';"
                      "INSERT OR REPLACE INTO station_order_labels(label, order_id, parcel)"
                      " SELECT json_extract(record, '$.label.tracking'), order_id, 0 FROM station_orders"
                      " WHERE json_extract(record, '$.status') IN ('shipped', 'cancelled', 'handed_over')"
                      " AND COALESCE(json_extract(record, '$.label.sscc'), '') = ''"
                      " AND COALESCE(json_extract(record, '$.label.tracking'), '') <> '';") +
      "COMMIT;");
  if (!status) {
    (void)db_.exec("ROLLBACK");
    throw std::runtime_error(db_path + ": creating the label index: " + status.message);
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
  auto status = write_record(record);
  if (!status) return core::fail(core::Errc::unavailable, status.message);
  // An ended order takes no more picks (a pick that lands after a cancel comes back here whole).
  if (record.final())
    picks_behind_.erase(record.order_id);
  else
    picks_behind_[record.order_id] = 0;
  return {};
}

storage::Status OrderStore::write_record(const OrderRecord& record) {
  const auto behind = picks_behind_.find(record.order_id);
  // No pick rows behind the record (every save of an order that is not picking): one statement.
  const bool with_picks = behind != picks_behind_.end() && behind->second > 0;
  // An ended order's labels beyond final_sscc are indexed with its last saves (rare: the ship, the
  // cancel and what follows them), in the same transaction.
  const auto labels = record.final() ? extra_labels(record) : std::vector<std::pair<std::string, std::int64_t>>{};
  // Inside a caller's transaction (StationContext::with_serials) the rows and the record go with it.
  const bool own_transaction = (with_picks || !labels.empty()) && !db_.in_transaction();
  storage::Transaction transaction(db_);
  storage::Status status;
  if (own_transaction) status = transaction.begin();
  if (status && with_picks) status = delete_picks_.bind(1, record.order_id).run();
  if (status && !labels.empty()) {
    status = delete_labels_.bind(1, record.order_id).run();
    for (std::size_t i = 0; status && i < labels.size(); ++i)
      status = insert_label_.bind(1, labels[i].first).bind(2, record.order_id).bind(3, labels[i].second).run();
  }
  if (!status) return status;
  upsert_.bind(1, record.order_id);
  upsert_.bind(2, record.rank);
  upsert_.bind(3, order_record_json(record));
  // "" and not {}: a null pointer binds NULL, which the column refuses.
  upsert_.bind(4, record.final() ? std::string_view(record.label.sscc) : std::string_view(""));
  status = upsert_.run();
  if (status && own_transaction) status = transaction.commit();
  return status;
}

core::Status OrderStore::save_pick(const OrderRecord& record, int line, std::int64_t qty, std::string_view serial,
                                   std::string_view lot) {
  const auto behind = picks_behind_.find(record.order_id);
  if (behind == picks_behind_.end()) return save(record);
  insert_pick_.bind(1, record.order_id);
  insert_pick_.bind(2, behind->second + 1);
  insert_pick_.bind(3, static_cast<std::int64_t>(line));
  insert_pick_.bind(4, qty);
  insert_pick_.bind(5, serial);
  insert_pick_.bind(6, lot);
  const auto status = insert_pick_.run();
  if (!status) return core::fail(core::Errc::unavailable, status.message);
  ++behind->second;
  return {};
}

bool OrderStore::apply_picks(OrderRecord& record) {
  const auto behind = picks_behind_.find(record.order_id);
  if (behind == picks_behind_.end()) {
    // Loaded but never picked here: a later pick row may follow it, unless it has ended.
    if (!record.final()) picks_behind_.emplace(record.order_id, 0);
    return true;
  }
  if (behind->second == 0) return true;
  select_picks_.bind(1, record.order_id);
  storage::Status status;
  // As record_pick() counted them when they were accepted.
  while ((status = select_picks_.step()).row()) {
    const auto line = select_picks_.column_int(0);
    // The record's lines are its pick list's (order_record_from_json), which every pick was on.
    if (line < 0 || static_cast<std::size_t>(line) >= record.pick.lines.size()) continue;
    record.pick.lines[static_cast<std::size_t>(line)].picked += select_picks_.column_int(1);
    if (auto serial = select_picks_.column_text(2); !serial.empty())
      record.pick.lines[static_cast<std::size_t>(line)].serials.insert(std::move(serial));
    if (auto lot = select_picks_.column_text(3); !lot.empty())
      record.pick.lines[static_cast<std::size_t>(line)].lots.insert(std::move(lot));
  }
  select_picks_.reset();
  if (!status) spdlog::error("order={} picks since its last save unreadable: {}", record.order_id, status.message);
  return status.ok();
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
  if (const auto behind = picks_behind_.find(order_id); behind != picks_behind_.end() && behind->second > 0) {
    // The record alone would miss the picks behind it: the order as the stations would see it.
    const auto record = load(order_id);
    if (!record) return std::nullopt;
    return order_record_json(*record);
  }
  return record_text(order_id);
}

std::optional<std::string> OrderStore::record_text(const std::string& order_id) {
  select_one_.bind(1, order_id);
  std::optional<std::string> text;
  if (select_one_.step().code == SQLITE_ROW) text = select_one_.column_text(0);
  select_one_.reset();
  return text;
}

std::optional<OrderRecord> OrderStore::load(const std::string& order_id) {
  const auto text = record_text(order_id);
  if (!text) return std::nullopt;
  auto record = order_record_from_json(*text);
  if (!record) {
    spdlog::error("order={} stored progress unreadable: {}", order_id, record.reason());
    return std::nullopt;
  }
  if (!apply_picks(*record)) return std::nullopt;
  return std::move(*record);
}

std::optional<LabelOwner> OrderStore::order_with_label(const std::string& label) {
  if (label.empty()) return std::nullopt;  // every order without a label has ""
  std::optional<LabelOwner> owner;
  select_sscc_.bind(1, label);
  if (select_sscc_.step().code == SQLITE_ROW) owner = LabelOwner{select_sscc_.column_text(0), 0};
  select_sscc_.reset();
  if (owner) return owner;
  select_label_.bind(1, label);
  if (select_label_.step().code == SQLITE_ROW)
    owner = LabelOwner{select_label_.column_text(0), select_label_.column_int(1)};
  select_label_.reset();
  return owner;
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
  // Ended orders have no pick rows (their last save folded them in); should one be left, it goes too.
  auto status = delete_each({"DELETE FROM station_orders WHERE order_id = ?1",
                             "DELETE FROM station_order_picks WHERE order_id = ?1",
                             "DELETE FROM station_order_labels WHERE order_id = ?1"},
                            order_ids);
  if (status)
    for (const auto& id : order_ids) picks_behind_.erase(id);
  return status;
}

core::Status OrderStore::forget_handled(const std::vector<std::string>& command_ids) {
  return delete_each({"DELETE FROM handled_commands WHERE id = ?1"}, command_ids);
}

core::Status OrderStore::delete_each(std::initializer_list<const char*> sqls, const std::vector<std::string>& keys) {
  if (keys.empty()) return {};
  storage::Transaction transaction(db_);
  auto status = transaction.begin();
  for (const char* sql : sqls) {
    storage::Statement del;
    if (status) status = db_.prepare(sql, del);
    for (std::size_t i = 0; status && i < keys.size(); ++i) status = del.bind(1, keys[i]).run();
  }
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
    if (!apply_picks(*record)) continue;
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
