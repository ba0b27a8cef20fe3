#include "daemon/kpi/kpi_store.hpp"

#include <boost/json.hpp>

namespace wedge::kpi {

namespace json = boost::json;

KpiStore::KpiStore(const std::string& db_path) : path_(db_path) {
  storage::Connection::Options options;
  options.path = db_path;
  options.synchronous = "NORMAL";
  options.setup.emplace_back(
      "CREATE TABLE IF NOT EXISTS kpi_state(id INTEGER PRIMARY KEY CHECK (id = 1),"
      " saved_unix_ms INTEGER NOT NULL, state TEXT NOT NULL);");
  db_ = storage::open_or_throw(options);
  upsert_ = db_.statement(
      "INSERT INTO kpi_state(id, saved_unix_ms, state) VALUES(1, ?1, ?2) "
      "ON CONFLICT(id) DO UPDATE SET saved_unix_ms = excluded.saved_unix_ms, state = excluded.state");
  select_ = db_.statement("SELECT state FROM kpi_state WHERE id = 1");
}

core::Result<std::optional<json::value>> KpiStore::load() {
  const auto status = select_.step();
  if (!status) {
    select_.reset();
    return core::fail(core::Errc::unavailable, path_ + ": " + status.message);
  }
  if (!status.row()) {
    select_.reset();
    return std::optional<json::value>{};
  }
  const auto text = select_.column_text(0);
  select_.reset();
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec) return core::fail(core::Errc::invalid_argument, path_ + ": the saved KPI state is not JSON: " + ec.message());
  return std::optional<json::value>{std::move(value)};
}

core::Status KpiStore::save(const json::value& state, std::int64_t now_unix_ms) {
  const auto status = upsert_.bind(1, now_unix_ms).bind(2, std::string_view(json::serialize(state))).run();
  if (!status) return core::fail(core::Errc::unavailable, path_ + ": " + status.message);
  return {};
}

}  // namespace wedge::kpi
