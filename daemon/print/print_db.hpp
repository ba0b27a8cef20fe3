// A small RAII wrapper over the SQLite C API for the print module (queue and SSCC counter):
// a connection opened in WAL mode with synchronous=FULL, and self-finalizing statements.
//
// open() throws std::runtime_error (a start-up error: the database cannot be used at all); every
// later failure is a value (PrintDb::Status) so that a full disk refuses one job instead of
// ending the daemon. One connection per owner; loop thread only.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace wedge::print {

class PrintDb {
 public:
  struct [[nodiscard]] Status {
    int code = SQLITE_OK;
    std::string message;
    bool ok() const { return code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW; }
    explicit operator bool() const { return ok(); }
  };

  class Statement {
   public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind_null(int index);
    // SQLITE_ROW, SQLITE_DONE or an error.
    Status step();
    std::int64_t column_int(int index) const;
    std::string column_text(int index) const;
    bool column_is_null(int index) const;

   private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
  };

  // Opens or creates the file, sets WAL + synchronous=FULL + busy_timeout and runs `schema_sql`.
  PrintDb(const std::string& path, std::string_view schema_sql);
  ~PrintDb();
  PrintDb(const PrintDb&) = delete;
  PrintDb& operator=(const PrintDb&) = delete;

  Status exec(std::string_view sql);
  // A statement; an invalid SQL text is a programming error and throws std::logic_error.
  Statement prepare(std::string_view sql);
  std::int64_t changes() const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace wedge::print
