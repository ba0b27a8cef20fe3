// The storage room: the one RAII wrapper over the SQLite C API that every store of the daemon uses
// (outbox.db, print.db, commands.db, stations.db). A connection that opens with its pragmas and
// closes itself, prepared statements with typed bind/column that finalize themselves, transactions
// that roll back unless committed, and results as values.
//
// Errors: expected failures (SQLITE_FULL, SQLITE_IOERR_*, SQLITE_BUSY, a constraint) come back as a
// [[nodiscard]] Status carrying the extended SQLite result code and a message; nothing here throws
// except Connection::statement(), whose SQL text is the caller's own (an invalid one is a
// programming error), and open_or_throw() at start-up. Every step and exec is reported to core::StorageHealth.
//
// Busy handling is explicit: Options::busy_timeout says how long a call may wait for another
// connection's lock (0: not at all, SQLITE_BUSY at once); Status::busy() tells a lock apart from a
// failed disk, so that "locked" is never read as "not there".
//
// Threading: a Connection and its Statements belong to one thread at a time. SQLite is opened with
// SQLITE_OPEN_NOMUTEX; the stores give each thread its own connection so that no call waits for
// another thread of this process.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::storage {

struct [[nodiscard]] Status {
  int code = SQLITE_OK;  // the extended result code
  std::string message;   // SQLite's errmsg, plus what we were doing
  bool ok() const { return code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW; }
  explicit operator bool() const { return ok(); }
  // Another connection holds a lock this call could not get within the busy timeout.
  bool busy() const { return (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED; }
  // SQLITE_ROW: a step produced a row.
  bool row() const { return code == SQLITE_ROW; }
};

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const { return stmt_ != nullptr; }
  // Parameters count from 1, as in SQLite. Text and blobs are copied by SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);  // TEXT; an empty view binds '' (never NULL)
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  // Runs one step: SQLITE_ROW (a row is ready), SQLITE_DONE, or an error.
  Status step();
  // Releases the read snapshot and the bindings; every reuse starts after a reset() so that a WAL
  // reader never pins old frames (which would stop checkpoints and let the WAL grow).
  void reset();
  // step() then reset(): for a statement whose rows, if any, are not wanted.
  Status run();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;  // TEXT or BLOB bytes; "" for NULL
  bool column_is_null(int index) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Connection {
 public:
  enum class Journal { keep, wal, wal_required };

  struct Options {
    std::string path;
    bool create = true;
    std::string vfs;  // empty: SQLite's default VFS
    // How long a statement waits for another connection's lock before SQLITE_BUSY.
    std::chrono::milliseconds busy_timeout{0};
    // keep: leave the file's journal mode alone; wal: ask for WAL; wal_required: ask for WAL and
    // fail the open (SQLITE_CANTOPEN) when SQLite refuses it.
    Journal journal = Journal::wal;
    std::string synchronous;  // "FULL", "NORMAL"; empty: SQLite's default
    // Further statements run in order after the pragmas above (more pragmas, the schema).
    std::vector<std::string> setup;
  };

  Connection() = default;
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens the file with every option applied; on failure the connection is closed and the status
  // says which step failed.
  Status open(const Options& options);
  // Opens (creating if `create`) the file with no pragmas and no busy timeout.
  Status open(const std::string& path, bool create, const std::string& vfs);
  void close();
  bool is_open() const { return db_ != nullptr; }

  // Runs one or more statements that return no rows we need.
  Status exec(const std::string& sql);
  // Runs a statement that returns a single integer (e.g. PRAGMA, COUNT); `value` untouched on
  // error or when there is no row.
  Status query_int(const std::string& sql, std::int64_t& value);
  Status prepare(const std::string& sql, Statement& out);
  // A statement from the caller's own SQL text: one that does not compile is a programming error
  // and throws std::logic_error.
  Statement statement(std::string_view sql);

  bool in_transaction() const { return db_ != nullptr && sqlite3_get_autocommit(db_) == 0; }
  std::int64_t changes() const { return db_ == nullptr ? 0 : sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }

  Status error(int code, std::string_view what) const;

 private:
  friend class Transaction;
  Status apply(const Options& options);

  sqlite3* db_ = nullptr;
  // BEGIN/COMMIT prepared once per connection: a group commit runs them on every cycle.
  Statement begin_deferred_;
  Statement begin_immediate_;
  Statement commit_;
};

// One transaction on a connection: begin() starts it, commit() ends it; if neither commit() ran
// nor SQLite ended it by itself (after SQLITE_FULL or an I/O error), the destructor rolls it back.
// Loop-free and thread-free: it belongs to the connection's thread.
class Transaction {
 public:
  enum class Mode {
    deferred,   // takes the write lock at the first write
    immediate,  // takes the write lock at BEGIN: a busy database fails there, not halfway through
  };

  explicit Transaction(Connection& db) : db_(&db) {}
  ~Transaction() { rollback(); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status begin(Mode mode = Mode::deferred);
  Status commit();
  // Rolls back what begin() started, if SQLite has not already; nothing to report either way.
  void rollback();

 private:
  Connection* db_;
  bool open_ = false;
};

// Connection::open for a store the daemon cannot run without: throws std::runtime_error
// ("open <path>: …" or "<path>: …") where open() would return an error. Start-up only.
Connection open_or_throw(const Connection::Options& options);

// "SQLITE_FULL", "SQLITE_IOERR_WRITE", ... for reasons and logs.
std::string code_name(int code);

}  // namespace wedge::storage
