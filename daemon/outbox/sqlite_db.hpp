// A thin RAII wrapper over the SQLite C API, just what the outbox needs: a connection that closes
// itself, prepared statements that finalize themselves, and results as values.
//
// Expected failures (SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY) come back as a Status carrying the
// SQLite result code and message; nothing here throws except Connection::open on a caller's
// request. A Connection and its Statements belong to one thread at a time (SQLite is built
// serialized, but the outbox gives each thread its own connection so that no call ever waits for
// another thread).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace wedge::outbox::sqlite {

struct [[nodiscard]] Status {
  int code = SQLITE_OK;  // the extended result code
  std::string message;   // SQLite's errmsg, plus what we were doing
  bool ok() const { return code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW; }
  explicit operator bool() const { return ok(); }
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
  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view text);  // bound as TEXT, copied by SQLite
  void bind_blob(int index, std::string_view bytes);
  // Runs one step: SQLITE_ROW (a row is ready), SQLITE_DONE, or an error.
  Status step();
  // Releases the read snapshot and the bindings; every use ends with reset() so that a WAL reader
  // never pins old frames (which would stop checkpoints and let the WAL grow).
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens (creating if `create`) the file; `vfs` empty means SQLite's default VFS.
  Status open(const std::string& path, bool create, const std::string& vfs);
  void close();
  bool is_open() const { return db_ != nullptr; }

  // Runs one or more statements that return no rows we need.
  Status exec(const std::string& sql);
  // Runs a statement that returns a single integer (e.g. PRAGMA, COUNT); `value` untouched on
  // error.
  Status query_int(const std::string& sql, std::int64_t& value);
  Status prepare(const std::string& sql, Statement& out);
  bool in_transaction() const { return db_ != nullptr && sqlite3_get_autocommit(db_) == 0; }
  std::int64_t changes() const { return db_ == nullptr ? 0 : sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }

  Status error(int code, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
};

// "SQLITE_FULL", "SQLITE_IOERR_WRITE", ... for reasons and logs.
std::string code_name(int code);

}  // namespace wedge::outbox::sqlite
