// SerialRegistry: every serialised unit this gateway picked, so that one unit goes out in one
// order only (docs/workflows.md, "Serial numbers across orders"). A unit is its GTIN and its (21)
// serial — GS1's SGTIN: serials are unique within a GTIN, and two products may well share one.
//
// A table `serials` in stations.db (gtin, serial → order id, station, time picked), written on the
// OrderStore's own connection — stations.db keeps one writing room — and inside the same
// transaction as the order save that records the pick (StationContext::save_claiming), so a
// restart finds the unit claimed exactly when the order's progress has it picked.
//   - a pick of a unit claims it for its order (claim); the pick check refuses the unit in any
//     other order while the claim stands (owner → `serial_in_other_order`);
//   - a cancelled order's units are released when they are put back on the shelf (release);
//   - claims older than `serials.retention_days` are pruned (prune, hourly).
// A pick whose event is being stored holds the unit too (reserve / unreserve): two stations that
// scan the same serial at once cannot both pass the check.
//
// For other steps (a returns station asks whether a unit left in an order): owner().
//
// Threading: loop thread only, like the OrderStore whose connection it shares.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/result.hpp"
#include "daemon/storage/sqlite.hpp"

namespace wedge::station {

struct SerialOwner {
  std::string order_id;
  std::string station;              // where it was picked ("" for a pick whose event is being stored)
  std::int64_t picked_unix_ms = 0;  // 0 for a pick whose event is being stored
};

class SerialRegistry {
 public:
  // Creates the table on `db` (stations.db's connection, which must outlive the registry); throws
  // std::runtime_error with SQLite's message (a start-up error).
  explicit SerialRegistry(storage::Connection& db);

  // The order that holds the unit (GTIN `gtin`, serial `serial`): a stored claim, else a pick of it
  // being stored; empty when none. A failed read is logged and answers empty (the check then
  // relies on the order's own serials): a pick never stops because stations.db is busy.
  [[nodiscard]] std::optional<SerialOwner> owner(const std::string& gtin, const std::string& serial);

  // Claims the unit for `order_id` (replacing any older claim). Call inside the transaction that
  // saves the order's pick; an error when SQLite fails.
  [[nodiscard]] core::Status claim(const std::string& gtin, const std::string& serial, const std::string& order_id,
                                   const std::string& station, std::int64_t now_unix_ms);
  // Releases these serials where `order_id` still holds them (whatever their GTIN: a line may list
  // several). Call inside the transaction that saves the order; an error when SQLite fails.
  [[nodiscard]] core::Status release(const std::string& order_id, const std::vector<std::string>& serials);
  // Forgets the claims made before `cutoff_unix_ms`; how many, or an error when SQLite fails.
  [[nodiscard]] core::Result<std::int64_t> prune(std::int64_t cutoff_unix_ms);

  // A pick of the unit for `order_id` whose event is being stored: owner() answers it until
  // unreserve() (after the claim, or when the event was refused).
  void reserve(const std::string& gtin, const std::string& serial, const std::string& order_id);
  void unreserve(const std::string& gtin, const std::string& serial);

 private:
  storage::Connection& db_;
  storage::Statement select_;
  storage::Statement upsert_;
  storage::Statement delete_;
  std::map<std::pair<std::string, std::string>, std::string> in_flight_;  // (gtin, serial) → order id
};

}  // namespace wedge::station
