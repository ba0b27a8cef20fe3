// The outbox's SQLite file: schema, pragmas, and the one write transaction the writer thread runs
// per group commit. Only the writer thread uses an OutboxStore (it owns the write connection).
//
// Schema
//   events(seq INTEGER PRIMARY KEY, id, topic, type, payload BLOB, created)  -- one row per event
//   meta(key TEXT PRIMARY KEY, value INTEGER)  -- 'last_seq': at least the highest seq ever
//                                                 committed whenever the events table no longer
//                                                 holds it, so that seq never goes back once acks
//                                                 empty the table
// Durability: journal_mode=WAL, synchronous=FULL: COMMIT returns only after the WAL is fsync'd.
// Checkpoints run on a WalCheckpointer thread, never inside a commit.
#pragma once

#include "daemon/outbox/outbox.hpp"
#include "daemon/outbox/seq_ranges.hpp"
#include "daemon/storage/sqlite.hpp"
#include "daemon/storage/wal_checkpointer.hpp"

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

// A row is stored as it is read back (payload: the serialised envelope).
using RowToInsert = StoredEvent;

struct [[nodiscard]] CommitOutcome {
  storage::Status status;
  std::int64_t deleted_events = 0;
  std::int64_t deleted_bytes = 0;
};

class OutboxStore {
 public:
  // Opens or creates the file, sets the pragmas, creates the schema. Failure leaves it closed.
  storage::Status open(const StoreOptions& options);
  void close() {
    statements_ = {};
    if (checkpointer_) checkpointer_->stop();
    checkpointer_.reset();
    db_.close();
  }

  // One COUNT/SUM over the table plus the meta row: the start-up state.
  storage::Status load_state(StoreState& state);

  // One transaction (BEGIN IMMEDIATE ... COMMIT, one WAL fsync): inserts `rows` (seqs assigned by
  // the caller), deletes the `acks` seq ranges (one range delete each: acks come nearly in order,
  // so a drain is a few ranges), and raises meta.last_seq to `last_seq` (the highest seq assigned,
  // rows included) when a range reaches it: only deleting the highest row can take it off the
  // table, and otherwise the row itself remembers it. At one event per commit, the usual case
  // (insert n, delete n-1), that keeps a second table page out of every commit. All or nothing: on
  // error the transaction is rolled back and nothing of it is stored.
  CommitOutcome commit(const std::vector<RowToInsert>& rows, const std::vector<SeqRange>& acks,
                       std::int64_t last_seq);

  // Creation time of the lowest seq stored, 0 when empty. A primary-key lookup, not a scan.
  storage::Status oldest(std::int64_t& unix_ms);

 private:
  struct Statements {
    storage::Statement insert;
    storage::Statement set_last_seq;
    storage::Statement measure;
    storage::Statement remove;
    storage::Statement oldest;
  };

  storage::Connection db_;
  Statements statements_;
  std::unique_ptr<storage::WalCheckpointer> checkpointer_;
};

}  // namespace wedge::outbox
