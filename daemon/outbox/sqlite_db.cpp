#include "daemon/outbox/sqlite_db.hpp"

#include <utility>

#include "daemon/core/storage_health.hpp"

namespace wedge::outbox::sqlite {

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
}

Status Statement::step() {
  const int rc = sqlite3_step(stmt_);
  core::note_sqlite_result(db_, stmt_, {}, rc);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return Status{rc, {}};
  const int extended = sqlite3_extended_errcode(db_);
  return Status{extended == SQLITE_OK ? rc : extended, sqlite3_errmsg(db_)};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  // Blob and text alike: ask for the bytes, then their count (the order the SQLite docs require).
  const void* bytes = sqlite3_column_blob(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  if (bytes == nullptr || size <= 0) return {};
  return std::string(static_cast<const char*>(bytes), static_cast<std::size_t>(size));
}

Connection::~Connection() { close(); }

Connection::Connection(Connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Status Connection::open(const std::string& path, bool create, const std::string& vfs) {
  close();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    Status status{
        rc, "open " + path + ": " + (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc))};
    close();
    return status;
  }
  sqlite3_extended_result_codes(db_, 1);
  return {};
}

void Connection::close() {
  if (db_ != nullptr) {
    // close_v2 defers the real close until every statement is finalized; ours are by then.
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

Status Connection::error(int code, std::string_view what) const {
  std::string message(what);
  message += ": ";
  message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  return Status{code, std::move(message)};
}

Status Connection::exec(const std::string& sql) {
  char* raw = nullptr;
  const auto changes_before = sqlite3_total_changes64(db_);
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &raw);
  core::note_sqlite_result(db_, nullptr, sql, rc, changes_before);
  std::string message = raw != nullptr ? raw : "";
  sqlite3_free(raw);
  if (rc == SQLITE_OK) return {};
  return Status{sqlite3_extended_errcode(db_), sql + ": " + message};
}

Status Connection::query_int(const std::string& sql, std::int64_t& value) {
  Statement stmt;
  if (auto status = prepare(sql, stmt); !status) return status;
  auto status = stmt.step();
  if (!status) return status;
  if (status.code == SQLITE_ROW) value = stmt.column_int(0);
  return {};
}

Status Connection::prepare(const std::string& sql, Statement& out) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) return error(sqlite3_extended_errcode(db_), "prepare " + sql);
  out = Statement(db_, raw);
  return {};
}

std::string code_name(int code) {
  switch (code) {
    case SQLITE_FULL:
      return "SQLITE_FULL";
    case SQLITE_IOERR:
      return "SQLITE_IOERR";
    case SQLITE_IOERR_WRITE:
      return "SQLITE_IOERR_WRITE";
    case SQLITE_IOERR_FSYNC:
      return "SQLITE_IOERR_FSYNC";
    case SQLITE_IOERR_READ:
      return "SQLITE_IOERR_READ";
    case SQLITE_IOERR_SHORT_READ:
      return "SQLITE_IOERR_SHORT_READ";
    case SQLITE_IOERR_TRUNCATE:
      return "SQLITE_IOERR_TRUNCATE";
    case SQLITE_BUSY:
      return "SQLITE_BUSY";
    case SQLITE_LOCKED:
      return "SQLITE_LOCKED";
    case SQLITE_CORRUPT:
      return "SQLITE_CORRUPT";
    case SQLITE_READONLY:
      return "SQLITE_READONLY";
    case SQLITE_CANTOPEN:
      return "SQLITE_CANTOPEN";
    case SQLITE_NOMEM:
      return "SQLITE_NOMEM";
    default:
      break;
  }
  // sqlite3_errstr gives the sentence for the primary code; keep the number for the exact one.
  return std::string("SQLITE error ") + std::to_string(code) + " (" + sqlite3_errstr(code) + ")";
}

}  // namespace wedge::outbox::sqlite
