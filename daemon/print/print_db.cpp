#include "daemon/print/print_db.hpp"

#include <stdexcept>

#include "daemon/core/storage_health.hpp"

namespace wedge::print {

PrintDb::Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

PrintDb::Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

PrintDb::Statement& PrintDb::Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

PrintDb::Statement& PrintDb::Statement::bind(int index, std::string_view text) {
  // An empty view may have a null data(), which SQLite would bind as NULL, not as ''.
  sqlite3_bind_text(stmt_, index, text.data() != nullptr ? text.data() : "",
                    static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

PrintDb::Statement& PrintDb::Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

PrintDb::Status PrintDb::Statement::step() {
  const int rc = sqlite3_step(stmt_);
  core::note_sqlite_result(db_, stmt_, {}, rc);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return {rc, {}};
  return {sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)};
}

std::int64_t PrintDb::Statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string PrintDb::Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

bool PrintDb::Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

PrintDb::PrintDb(const std::string& path, std::string_view schema_sql) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("open " + path + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  // FULL: a job or an SSCC serial the caller was told about must survive power loss.
  for (std::string_view pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
    if (auto st = exec(pragma); !st) throw std::runtime_error(path + ": " + st.message);
  }
  if (auto st = exec(schema_sql); !st) throw std::runtime_error(path + ": " + st.message);
}

PrintDb::~PrintDb() { sqlite3_close(db_); }

PrintDb::Status PrintDb::exec(std::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  const auto changes_before = sqlite3_total_changes64(db_);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  core::note_sqlite_result(db_, nullptr, text, rc, changes_before);
  Status status{rc, error != nullptr ? error : ""};
  sqlite3_free(error);
  if (rc != SQLITE_OK) status.code = sqlite3_extended_errcode(db_);
  return status;
}

PrintDb::Statement PrintDb::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) throw std::logic_error(std::string("prepare: ") + sqlite3_errmsg(db_));
  return Statement(db_, stmt);
}

std::int64_t PrintDb::changes() const { return sqlite3_changes64(db_); }

}  // namespace wedge::print
