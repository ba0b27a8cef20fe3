#include "daemon/print/print_db.hpp"

#include <chrono>

namespace wedge::print {

std::unique_ptr<storage::Connection> open_print_db(const std::string& path, std::string_view schema_sql) {
  storage::Connection::Options options;
  options.path = path;
  options.busy_timeout = std::chrono::milliseconds(5000);
  options.synchronous = "FULL";
  options.setup.emplace_back(schema_sql);
  return std::make_unique<storage::Connection>(storage::open_or_throw(options));
}

}  // namespace wedge::print
