#include "daemon/outbox/outbox_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace wedge::outbox {

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS events ("
    "  seq INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL,"
    "  topic TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  payload BLOB NOT NULL,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);";

}  // namespace

storage::Status OutboxStore::open(const StoreOptions& options) {
  storage::Connection::Options open_options;
  open_options.path = options.path;
  open_options.vfs = options.vfs;
  // Another connection (our reader, or a stray sqlite3 shell) may hold a lock for a moment; the
  // writer thread waits for it rather than fail a group commit.
  open_options.busy_timeout = std::chrono::milliseconds(5000);
  open_options.journal = storage::Connection::Journal::wal_required;
  // FULL in WAL mode: every COMMIT fsyncs the WAL. NORMAL would only sync at checkpoints, and a
  // power cut could then take back events the stations were told were accepted.
  open_options.synchronous = "FULL";
  // After a checkpoint the WAL is cut back to this size, so a drained backlog gives the disk back.
  open_options.setup.push_back("PRAGMA journal_size_limit=67108864");
  if (options.max_page_count > 0)
    open_options.setup.push_back("PRAGMA max_page_count=" + std::to_string(options.max_page_count));
  open_options.setup.push_back(kSchema);
  if (auto status = db_.open(open_options); !status) return status;
  auto fail = [this](storage::Status status) {
    close();
    return status;
  };

  Statements s;
  if (auto status = db_.prepare(
          "INSERT INTO events(seq, id, topic, type, payload, created) VALUES(?,?,?,?,?,?)",
          s.insert);
      !status) {
    return fail(status);
  }
  if (auto status = db_.prepare("INSERT INTO meta(key, value) VALUES('last_seq', ?1) "
                                "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)",
                                s.set_last_seq);
      !status) {
    return fail(status);
  }
  if (auto status = db_.prepare("SELECT count(*), COALESCE(sum(length(payload)), 0) FROM events "
                                "WHERE seq BETWEEN ? AND ?",
                                s.measure);
      !status) {
    return fail(status);
  }
  if (auto status = db_.prepare("DELETE FROM events WHERE seq BETWEEN ? AND ?", s.remove);
      !status) {
    return fail(status);
  }
  if (auto status = db_.prepare("SELECT created FROM events ORDER BY seq LIMIT 1", s.oldest);
      !status) {
    return fail(status);
  }
  statements_ = std::move(s);
  checkpointer_ = std::make_unique<storage::WalCheckpointer>(
      storage::WalCheckpointer::Options{options.path, options.vfs, "outbox"});
  if (auto status = checkpointer_->attach(db_); !status) {
    spdlog::warn("outbox: WAL checkpoints stay inside the commits: {}", status.message);
    checkpointer_.reset();
  }
  return {};
}

storage::Status OutboxStore::load_state(StoreState& state) {
  std::int64_t max_seq = 0;
  std::int64_t meta_seq = 0;
  if (auto status = db_.query_int("SELECT COALESCE(max(seq), 0) FROM events", max_seq); !status) {
    return status;
  }
  if (auto status = db_.query_int(
          "SELECT COALESCE((SELECT value FROM meta WHERE key='last_seq'), 0)", meta_seq);
      !status) {
    return status;
  }
  state.next_seq = std::max(max_seq, meta_seq) + 1;
  // length() of a BLOB reads only the record header, so this is one pass over the leaf pages.
  storage::Statement stmt;
  if (auto status =
          db_.prepare("SELECT count(*), COALESCE(sum(length(payload)), 0) FROM events", stmt);
      !status) {
    return status;
  }
  auto status = stmt.step();
  if (!status) return status;
  state.depth = stmt.column_int(0);
  state.bytes = stmt.column_int(1);
  stmt.reset();
  return oldest(state.oldest_unix_ms);
}

CommitOutcome OutboxStore::commit(const std::vector<RowToInsert>& rows, const std::vector<SeqRange>& acks,
                                  std::int64_t last_seq) {
  CommitOutcome outcome;
  if (rows.empty() && acks.empty()) return outcome;
  // A transaction left open by an earlier, interrupted cycle would swallow this one.
  if (db_.in_transaction()) (void)db_.exec("ROLLBACK");
  // A delete-only transaction need not reach the disk before we go on: losing it in a power cut
  // only means those events are published again, which at-least-once delivery already allows. So
  // it commits without its own fsync (WAL + synchronous=NORMAL); the next append's FULL commit
  // syncs the WAL, deletes included. At low rates this halves the fsyncs, and appends no longer
  // queue behind a delete's fsync.
  const bool deletes_only = rows.empty();
  // (Not prepared statements: SQLite applies PRAGMA synchronous when it compiles the statement,
  // so stepping a prepared one again changes nothing.)
  if (deletes_only) (void)db_.exec("PRAGMA synchronous=NORMAL");
  struct RestoreFull {
    storage::Connection& db;
    bool active;
    ~RestoreFull() {
      if (active) (void)db.exec("PRAGMA synchronous=FULL");
    }
  } restore_full{db_, deletes_only};
  // IMMEDIATE takes the write lock at BEGIN, so a busy database fails there and not halfway
  // through. All or nothing: leaving this scope without commit() rolls it back.
  storage::Transaction transaction(db_);
  if (auto status = transaction.begin(storage::Transaction::Mode::immediate); !status) {
    outcome.status = status;
    return outcome;
  }
  auto abort = [&](storage::Status status) {
    transaction.rollback();
    outcome.status = std::move(status);
    outcome.deleted_events = 0;
    outcome.deleted_bytes = 0;
    return outcome;
  };
  for (const auto& row : rows) {
    auto& insert = statements_.insert;
    insert.bind(1, row.seq);
    insert.bind(2, row.id);
    insert.bind(3, row.topic);
    insert.bind(4, row.type);
    insert.bind_blob(5, row.payload);
    insert.bind(6, row.created_unix_ms);
    if (auto status = insert.run(); !status) return abort(status);
  }
  if (std::any_of(acks.begin(), acks.end(), [last_seq](const SeqRange& range) { return range.second >= last_seq; })) {
    auto& set_last_seq = statements_.set_last_seq;
    set_last_seq.bind(1, last_seq);
    if (auto status = set_last_seq.run(); !status) return abort(status);
  }
  for (const auto& [first, last] : acks) {
    // Count what goes, for the in-memory stats; inside the transaction, so it is exact.
    auto& measure = statements_.measure;
    measure.bind(1, first);
    measure.bind(2, last);
    auto status = measure.step();
    if (status.code == SQLITE_ROW) {
      outcome.deleted_events += measure.column_int(0);
      outcome.deleted_bytes += measure.column_int(1);
    }
    measure.reset();
    if (!status) return abort(status);
    auto& remove = statements_.remove;
    remove.bind(1, first);
    remove.bind(2, last);
    if (status = remove.run(); !status) return abort(status);
  }
  if (auto status = transaction.commit(); !status) return abort(status);
  return outcome;
}

storage::Status OutboxStore::oldest(std::int64_t& unix_ms) {
  auto& stmt = statements_.oldest;
  auto status = stmt.step();
  unix_ms = status.code == SQLITE_ROW ? stmt.column_int(0) : 0;
  stmt.reset();
  return status.ok() ? storage::Status{} : status;
}

}  // namespace wedge::outbox
