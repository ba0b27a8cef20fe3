#include "daemon/storage/sqlite.hpp"

#include <stdexcept>
#include <utility>

#include "daemon/core/storage_health.hpp"

namespace wedge::storage {

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

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // An empty view may have a null data(), which SQLite would bind as NULL, not as ''.
  sqlite3_bind_text64(stmt_, index, text.data() != nullptr ? text.data() : "", text.size(),
                      SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data() != nullptr ? bytes.data() : "", bytes.size(),
                      SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
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

Status Statement::run() {
  auto status = step();
  reset();
  return status;
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  // Blob and text alike: ask for the bytes, then their count (the order the SQLite docs require).
  const void* bytes = sqlite3_column_blob(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  if (bytes == nullptr || size <= 0) return {};
  return std::string(static_cast<const char*>(bytes), static_cast<std::size_t>(size));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Connection::~Connection() { close(); }

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      begin_deferred_(std::move(other.begin_deferred_)),
      begin_immediate_(std::move(other.begin_immediate_)),
      commit_(std::move(other.commit_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    begin_deferred_ = std::move(other.begin_deferred_);
    begin_immediate_ = std::move(other.begin_immediate_);
    commit_ = std::move(other.commit_);
  }
  return *this;
}

Status Connection::open(const Options& options) {
  if (auto status = open(options.path, options.create, options.vfs); !status) return status;
  auto status = apply(options);
  if (!status) close();
  return status;
}

Status Connection::apply(const Options& options) {
  // busy_timeout first: another connection may hold a lock while we set the journal mode.
  sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
  if (options.journal != Journal::keep) {
    Statement mode;
    if (auto status = prepare("PRAGMA journal_mode=WAL", mode); !status) return status;
    auto status = mode.step();
    if (!status) return status;
    const std::string journal = status.row() ? mode.column_text(0) : "";
    if (options.journal == Journal::wal_required && journal != "wal")
      return Status{SQLITE_CANTOPEN, "journal_mode=WAL refused (got '" + journal + "')"};
  }
  if (!options.synchronous.empty()) {
    if (auto status = exec("PRAGMA synchronous=" + options.synchronous); !status) return status;
  }
  for (const auto& sql : options.setup) {
    if (auto status = exec(sql); !status) return status;
  }
  return {};
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
  begin_deferred_ = {};
  begin_immediate_ = {};
  commit_ = {};
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

Statement Connection::statement(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  if (rc != SQLITE_OK) {
    throw std::logic_error("prepare " + std::string(sql) + ": " +
                           (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
  }
  return Statement(db_, raw);
}

Status Transaction::begin(Mode mode) {
  rollback();
  auto& cached = mode == Mode::immediate ? db_->begin_immediate_ : db_->begin_deferred_;
  if (!cached.valid()) {
    const char* sql = mode == Mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN";
    if (auto status = db_->prepare(sql, cached); !status) return status;
  }
  auto status = cached.run();
  open_ = status.ok();
  return status;
}

Status Transaction::commit() {
  if (!open_) return Status{SQLITE_MISUSE, "commit without a transaction"};
  if (!db_->commit_.valid()) {
    if (auto status = db_->prepare("COMMIT", db_->commit_); !status) {
      rollback();
      return status;
    }
  }
  auto status = db_->commit_.run();
  // A failed COMMIT (SQLITE_FULL, SQLITE_IOERR) leaves the transaction open: roll it back so that
  // the connection is usable for the next one.
  if (!status) rollback();
  open_ = false;
  return status;
}

void Transaction::rollback() {
  if (!open_) return;
  open_ = false;
  // SQLite may already have rolled back by itself (after SQLITE_FULL or an I/O error); a ROLLBACK
  // without a transaction is an error we have nothing to do about.
  if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
}

Connection open_or_throw(const Connection::Options& options) {
  Connection db;
  if (auto status = db.open(options); !status) {
    // open() names the path itself when the file cannot be opened at all.
    const bool named = status.message.rfind("open " + options.path + ":", 0) == 0;
    throw std::runtime_error(named ? status.message : options.path + ": " + status.message);
  }
  return db;
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

}  // namespace wedge::storage
