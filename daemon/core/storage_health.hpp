// StorageHealth: which of the daemon's SQLite files cannot commit right now, since when and why.
//
// Every store (outbox.db, stations.db, print.db, commands.db) reaches SQLite through a small
// wrapper; the wrappers report here with note_sqlite_result(). A store is "failed" from the first
// storage-class error (disk full, I/O error, read-only file, corruption) until one of its writes
// commits again. /healthz, /metrics and systemd's STATUS= read failures() (daemon/health/).
//
// One process-wide registry: the stores are opened deep inside their modules and on several threads
// (the outbox writer, the command journal, the loop). Thread-safe; the success path costs one atomic
// load while nothing has failed.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::core {

struct StorageFailure {
  std::string store;   // file name, e.g. "outbox.db"
  std::string reason;  // SQLite's message, e.g. "database or disk is full"
  std::int64_t since_unix_ms = 0;
};

class StorageHealth {
 public:
  static StorageHealth& instance();

  // The store could not write: the first failure sets `since`, later ones update the reason.
  void failed(std::string_view store, std::string_view reason);
  // A write of `store` committed: its failure (if any) is over.
  void committed(std::string_view store);
  std::vector<StorageFailure> failures() const;  // sorted by store name
  bool any_failed() const { return failing_.load() != 0; }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, StorageFailure, std::less<>> failures_;
  std::atomic<int> failing_{0};
};

// True for result codes that mean the file cannot be written (SQLITE_FULL, SQLITE_IOERR_*,
// SQLITE_READONLY_*, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_NOTADB), not a busy lock or a bad
// statement.
bool is_storage_error(int sqlite_code);

// Reports one sqlite3_step()/sqlite3_exec() outcome of `db` to StorageHealth::instance(): a
// storage-class error marks the file failed; a success that ended a write transaction (autocommit
// again after a data-changing statement, or after COMMIT) marks it committed. `stmt` is the
// statement that ran, or nullptr for sqlite3_exec() of `sql`; `changes_before` is
// sqlite3_total_changes64(db) taken before an exec (ignored for a statement).
void note_sqlite_result(sqlite3* db, sqlite3_stmt* stmt, std::string_view sql, int rc,
                        std::int64_t changes_before = 0);

}  // namespace wedge::core
