#include "daemon/core/storage_health.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>

namespace wedge::core {

namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string store_name(sqlite3* db) {
  const char* file = sqlite3_db_filename(db, "main");
  if (file == nullptr || *file == '\0') return "(memory)";
  return std::filesystem::path(file).filename().string();
}

// COMMIT and END finish a transaction; sqlite3_stmt_readonly() calls them read-only.
bool ends_transaction(std::string_view sql) {
  const auto start = std::find_if(sql.begin(), sql.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) == 0; });
  std::string head;
  for (auto it = start; it != sql.end() && std::isalpha(static_cast<unsigned char>(*it)) != 0; ++it)
    head += static_cast<char>(std::toupper(static_cast<unsigned char>(*it)));
  return head == "COMMIT" || head == "END";
}

}  // namespace

StorageHealth& StorageHealth::instance() {
  static StorageHealth registry;
  return registry;
}

void StorageHealth::failed(std::string_view store, std::string_view reason) {
  const std::lock_guard lock(mutex_);
  auto it = failures_.find(store);
  if (it == failures_.end()) {
    failures_.emplace(std::string(store), StorageFailure{std::string(store), std::string(reason), now_unix_ms()});
    failing_.fetch_add(1);
  } else {
    it->second.reason = reason;
  }
}

void StorageHealth::committed(std::string_view store) {
  if (!any_failed()) return;
  const std::lock_guard lock(mutex_);
  if (auto it = failures_.find(store); it != failures_.end()) {
    failures_.erase(it);
    failing_.fetch_sub(1);
  }
}

std::vector<StorageFailure> StorageHealth::failures() const {
  if (!any_failed()) return {};
  const std::lock_guard lock(mutex_);
  std::vector<StorageFailure> out;
  for (const auto& [name, failure] : failures_) out.push_back(failure);
  return out;
}

bool is_storage_error(int sqlite_code) {
  switch (sqlite_code & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return true;
    default:
      return false;
  }
}

void note_sqlite_result(sqlite3* db, sqlite3_stmt* stmt, std::string_view sql, int rc,
                        std::int64_t changes_before) {
  if (db == nullptr) return;
  auto& registry = StorageHealth::instance();
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    const int code = sqlite3_extended_errcode(db);
    if (!is_storage_error(code) && !is_storage_error(rc)) return;
    registry.failed(store_name(db), sqlite3_errmsg(db));
    return;
  }
  if (!registry.any_failed() || sqlite3_get_autocommit(db) == 0) return;  // still inside a transaction: nothing committed yet
  const bool wrote = stmt != nullptr
                         ? (rc == SQLITE_DONE && (sqlite3_stmt_readonly(stmt) == 0 || ends_transaction(sqlite3_sql(stmt))))
                         : (sqlite3_total_changes64(db) != changes_before || ends_transaction(sql));
  if (wrote) registry.committed(store_name(db));
}

}  // namespace wedge::core
