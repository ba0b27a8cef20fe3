// SerialRegistry (serial_registry.hpp): the serialised units this gateway picked, in stations.db.
#include "daemon/station/serial_registry.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace wedge::station {

namespace {

core::Status unavailable(const storage::Status& status) {
  if (status) return {};
  return core::fail(core::Errc::unavailable, status.message);
}

}  // namespace

SerialRegistry::SerialRegistry(storage::Connection& db) : db_(db) {
  // The primary key is the lookup of every scan with a serial; the time index serves the prune.
  auto status = db_.exec(
      "CREATE TABLE IF NOT EXISTS serials("
      " gtin TEXT NOT NULL, serial TEXT NOT NULL, order_id TEXT NOT NULL, station TEXT NOT NULL,"
      " picked_unix_ms INTEGER NOT NULL, PRIMARY KEY(gtin, serial)) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS serials_picked ON serials(picked_unix_ms);"
      "CREATE INDEX IF NOT EXISTS serials_order ON serials(order_id);");
  if (status) status = db_.prepare(
      "SELECT order_id, station, picked_unix_ms FROM serials WHERE gtin = ?1 AND serial = ?2", select_);
  if (status)
    status = db_.prepare(
        "INSERT INTO serials(gtin, serial, order_id, station, picked_unix_ms) VALUES(?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(gtin, serial) DO UPDATE SET order_id = excluded.order_id, station = excluded.station, "
        "picked_unix_ms = excluded.picked_unix_ms",
        upsert_);
  if (status) status = db_.prepare("DELETE FROM serials WHERE order_id = ?1 AND serial = ?2", delete_);
  if (!status) throw std::runtime_error("stations.db serials: " + status.message);
}

std::optional<SerialOwner> SerialRegistry::owner(const std::string& gtin, const std::string& serial) {
  if (auto it = in_flight_.find({gtin, serial}); it != in_flight_.end()) return SerialOwner{it->second, "", 0};
  select_.bind(1, gtin).bind(2, serial);
  std::optional<SerialOwner> found;
  const auto status = select_.step();
  if (status.row()) found = SerialOwner{select_.column_text(0), select_.column_text(1), select_.column_int(2)};
  else if (!status) spdlog::error("serial {} of GTIN {}: the serial registry could not be read: {}", serial, gtin,
                                  status.message);
  select_.reset();
  return found;
}

core::Status SerialRegistry::claim(const std::string& gtin, const std::string& serial, const std::string& order_id,
                                   const std::string& station, std::int64_t now_unix_ms) {
  return unavailable(upsert_.bind(1, gtin).bind(2, serial).bind(3, order_id).bind(4, station).bind(5, now_unix_ms).run());
}

core::Status SerialRegistry::release(const std::string& order_id, const std::vector<std::string>& serials) {
  for (const auto& serial : serials)
    if (auto status = delete_.bind(1, order_id).bind(2, serial).run(); !status) return unavailable(status);
  return {};
}

core::Result<std::int64_t> SerialRegistry::prune(std::int64_t cutoff_unix_ms) {
  auto del = db_.statement("DELETE FROM serials WHERE picked_unix_ms < ?1");
  if (auto status = del.bind(1, cutoff_unix_ms).run(); !status) return core::fail(core::Errc::unavailable, status.message);
  return db_.changes();
}

void SerialRegistry::reserve(const std::string& gtin, const std::string& serial, const std::string& order_id) {
  in_flight_[{gtin, serial}] = order_id;
}

void SerialRegistry::unreserve(const std::string& gtin, const std::string& serial) { in_flight_.erase({gtin, serial}); }

}  // namespace wedge::station
