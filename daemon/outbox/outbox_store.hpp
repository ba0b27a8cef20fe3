// The outbox's SQLite file: schema, pragmas, and the one write transaction the writer thread runs
// per group commit. Only the writer thread uses an OutboxStore (it owns the write connection).
//
// Schema
//   events(seq INTEGER PRIMARY KEY, id, topic, type, payload BLOB, created)  -- one row per event
//   meta(key TEXT PRIMARY KEY, value INTEGER)  -- 'last_seq': the highest seq ever committed, so
//                                                 that seq never goes back once acks empty the
//                                                 table
// Durability: journal_mode=WAL, synchronous=FULL: COMMIT returns only after the WAL is fsync'd.
// Checkpoints run on a WalCheckpointer thread, never inside a commit.
#pragma once

#include "daemon/outbox/seq_ranges.hpp"
#include "daemon/outbox/sqlite_db.hpp"
#include "daemon/outbox/wal_checkpointer.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wedge::outbox {

struct StoreOptions {
  std::string path;
  std::string vfs;                  // empty: SQLite's default VFS
  std::int64_t max_page_count = 0;  // 0: SQLite's default (practically unlimited)
};

// What is on disk, as the writer thread tracks it after each commit.
struct StoreState {
  std::int64_t next_seq = 1;
  std::int64_t depth = 0;
  std::int64_t bytes = 0;
  std::int64_t oldest_unix_ms = 0;
};

struct RowToInsert {
  std::int64_t seq = 0;
  std::string id;
  std::string topic;
  std::string type;
  std::string payload;
  std::int64_t created_unix_ms = 0;
};

struct [[nodiscard]] CommitOutcome {
  sqlite::Status status;
  std::int64_t deleted_events = 0;
  std::int64_t deleted_bytes = 0;
};

class OutboxStore {
 public:
  // Opens or creates the file, sets the pragmas, creates the schema. Failure leaves it closed.
  sqlite::Status open(const StoreOptions& options);
  void close() {
    statements_ = {};
    if (checkpointer_) checkpointer_->stop();
    checkpointer_.reset();
    db_.close();
  }

  // One COUNT/SUM over the table plus the meta row: the start-up state.
  sqlite::Status load_state(StoreState& state);

  // One transaction (BEGIN IMMEDIATE ... COMMIT, one WAL fsync): inserts `rows` (seqs assigned by
  // the caller), raises meta.last_seq to the last of them, deletes the `acks` seq ranges (one range
  // delete each: acks come nearly in order, so a drain is a few ranges). All or nothing: on error
  // the transaction is rolled back and nothing of it is stored.
  CommitOutcome commit(const std::vector<RowToInsert>& rows, const std::vector<SeqRange>& acks);

  // Creation time of the lowest seq stored, 0 when empty. A primary-key lookup, not a scan.
  sqlite::Status oldest(std::int64_t& unix_ms);

 private:
  void rollback();

  struct Statements {
    sqlite::Statement insert;
    sqlite::Statement set_last_seq;
    sqlite::Statement measure;
    sqlite::Statement remove;
    sqlite::Statement oldest;
    // Prepared once: sqlite3_exec would parse them again on every commit.
    sqlite::Statement begin;
    sqlite::Statement commit;
  };
  sqlite::Status run(sqlite::Statement& statement);

  sqlite::Connection db_;
  Statements statements_;
  std::unique_ptr<sqlite::WalCheckpointer> checkpointer_;
};

}  // namespace wedge::outbox
