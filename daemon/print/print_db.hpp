// The print module's two SQLite stores (the job queue and the SSCC counter, both in print.db) open
// the same way: WAL, synchronous=FULL (a job or an SSCC serial the caller was told about must
// survive power loss), and a 5 s busy timeout for the other print.db connection of this process.
//
// Start-up only: throws std::runtime_error when the database cannot be used at all; every later
// failure is a storage::Status, so that a full disk refuses one job instead of ending the daemon.
// The connection belongs to its owner's thread (the loop).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "daemon/storage/sqlite.hpp"

namespace wedge::print {

// Opens or creates `path` and runs `schema_sql` on it.
std::unique_ptr<storage::Connection> open_print_db(const std::string& path, std::string_view schema_sql);

}  // namespace wedge::print
