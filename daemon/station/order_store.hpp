// OrderStore: the stations' per-order progress in SQLite (<state_dir>/stations.db, WAL), so that
// a restart resumes every order in exactly the step, phase and pick count it had.
//
// One row per order: (order_id, rank, record JSON from workflow_order.hpp, and final_sscc: the
// label's SSCC once the order is shipped or cancelled, else ""). save() writes the whole
// record in one statement (an UPSERT, atomic on its own). An accepted item scan does not: its
// save_pick() adds one small row to station_order_picks (line, quantity, serial, lot), so a scan costs
// the same at the first unit as at the 6,000th, whatever the record holds. The order as stored is
// its record plus its pick rows applied in order; the next save() folds the rows into the record
// and deletes them in the same transaction, so no pick is ever counted twice or lost. Shipped and
// cancelled orders stay here
// for the retention period but not in the stations' memory (a day of them at 50 stations is some
// 40,000 records): they are read back one at a time, by order id or by a label (a partial index
// on final_sscc for the order's label SSCC; table station_order_labels for its parcels' labels and
// a carrier label's tracking number), when a command or a scan names one. The stations save after the outbox
// committed the event that announces the change: a crash between the two can repeat an event
// (the scan was never confirmed to the picker, who scans again) but never lose one.
// synchronous=NORMAL: in WAL mode a process crash loses nothing; a power loss may lose the last
// progress rows (the events themselves are in the outbox, synchronous=FULL).
//
// Checkpoints run on a WalCheckpointer thread: a checkpoint's page copies and fsync never block the
// event loop.
//
// Threading: loop thread only (one connection, no locking; the checkpointer has its own).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/core/result.hpp"
#include "daemon/storage/sqlite.hpp"
#include "daemon/storage/wal_checkpointer.hpp"
#include "daemon/station/workflow_order.hpp"

namespace wedge::station {

// The ended order a label belongs to, and its parcel (0: the order's own label).
struct LabelOwner {
  std::string order_id;
  std::int64_t parcel = 0;
};

class OrderStore {
 public:
  // Opens or creates `db_path`; throws std::runtime_error with the SQLite message (start-up error).
  explicit OrderStore(const std::string& db_path);

  // Stores `record`; an error when SQLite fails (disk full, I/O error).
  [[nodiscard]] core::Status save(const OrderRecord& record);
  // Stores one accepted pick that `record` already counts (record_pick: `qty` units on `line`,
  // `serial` and `lot` or ""): one row, not the record. An order this store has not saved or loaded
  // yet is saved whole instead. An error when SQLite fails.
  [[nodiscard]] core::Status save_pick(const OrderRecord& record, int line, std::int64_t qty,
                                       std::string_view serial, std::string_view lot);
  // Every stored order, by rank. Rows that no longer parse are skipped and logged.
  [[nodiscard]] std::vector<OrderRecord> load_all();
  // The orders the stations keep in memory, by rank: every open one, and every shipped or cancelled
  // one that a station still holds (status not final, or station not empty).
  [[nodiscard]] std::vector<OrderRecord> load_open();
  // One stored order; empty when there is none (or its row no longer parses, logged).
  [[nodiscard]] std::optional<OrderRecord> load(const std::string& order_id);
  // The stored record of one order, as saved; empty when there is none.
  [[nodiscard]] std::optional<std::string> load_text(const std::string& order_id);
  // The shipped, handed-over or cancelled order one of whose current labels is `label`: the SSCC
  // of its label or of one of its parcels' labels, or the tracking number of a carrier's label
  // without an SSCC (voided labels are not indexed; open orders are in the stations' memory);
  // empty if none. A failed read answers empty (the scan is then an unknown parcel).
  [[nodiscard]] std::optional<LabelOwner> order_with_label(const std::string& label);
  // Shipped and cancelled orders that ended before `cutoff_unix_ms` (records from before `ended`
  // was kept count from their arrival).
  [[nodiscard]] std::vector<std::string> final_ended_before(std::int64_t cutoff_unix_ms);
  // Forgets these orders in one transaction; an error when SQLite fails (none forgotten).
  [[nodiscard]] core::Status remove_all(const std::vector<std::string>& order_ids);
  // The largest rank stored (0 when empty).
  [[nodiscard]] std::int64_t max_rank();

  // stations.db's one connection, for the tables written in the same transaction as an order's
  // save (serial_registry.hpp): the database keeps one writing room.
  [[nodiscard]] storage::Connection& connection() { return db_; }

  // --- which OMS commands the stations applied (for the replay at start, see stations.hpp) ---
  // Records that the command with this id was applied (or refused) by the stations.
  void mark_handled(const std::string& command_id);
  // Whether the command with this id was applied: true or false; an error (unavailable) when
  // SQLite could not answer (SQLITE_BUSY, an I/O error). A failed read is never "not applied":
  // applying the command again would repeat its effect.
  [[nodiscard]] core::Result<bool> handled(const std::string& command_id);
  // Drops these ids in one transaction; an error when SQLite fails (none dropped). For ids whose
  // command has left the journal (commands::CommandStore::purge): no replay can meet them again.
  [[nodiscard]] core::Status forget_handled(const std::vector<std::string>& command_ids);
  // The commands.db rowid up to which every command is known to be applied; empty before the
  // first start that read commands.db.
  [[nodiscard]] std::optional<std::int64_t> journal_watermark();
  // Moves the watermark and forgets the handled ids (all of them are at or below it now).
  void advance_journal_watermark(std::int64_t rowid);

 private:
  // Runs each of `sqls` (one ?1 parameter) for each key, all in one transaction.
  [[nodiscard]] core::Status delete_each(std::initializer_list<const char*> sqls, const std::vector<std::string>& keys);
  std::vector<OrderRecord> load_where(const std::string& where);
  // The order's row as written, without the pick rows behind it; empty when there is none.
  std::optional<std::string> record_text(const std::string& order_id);
  // Applies the order's pick rows to `record` (parsed from its row); false when SQLite failed.
  bool apply_picks(OrderRecord& record);
  // The table of ended orders' labels beyond final_sscc (order_with_label); filled once from the
  // stored records when it is new. Throws std::runtime_error (start-up error).
  void create_label_index(const std::string& db_path);
  // The record's UPSERT; with pick rows behind it, in one transaction that deletes them; an ended
  // order's labels in the same transaction.
  [[nodiscard]] storage::Status write_record(const OrderRecord& record);

  storage::Connection db_;
  storage::Statement upsert_;
  storage::Statement mark_handled_;
  storage::Statement find_handled_;
  storage::Statement select_one_;
  storage::Statement select_sscc_;
  storage::Statement select_label_;
  storage::Statement delete_labels_;
  storage::Statement insert_label_;
  storage::Statement insert_pick_;
  storage::Statement select_picks_;
  storage::Statement delete_picks_;
  // Orders saved or loaded since the store opened that may take pick rows (open ones), with the
  // number of pick rows stored behind their record (the next row's key is one more).
  std::unordered_map<std::string, std::int64_t> picks_behind_;
  // Declared last: stopped and unhooked before the statements and the connection go.
  std::unique_ptr<storage::WalCheckpointer> checkpointer_;
};

}  // namespace wedge::station
