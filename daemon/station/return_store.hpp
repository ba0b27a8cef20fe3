// ReturnStore: the returns in stations.db (table `returns`, one row per return: its id, the order
// id, the status and the record JSON of return_record.hpp), so that an announced return waits
// across restarts and a return resumes in the middle of its scans. The stations save after the
// outbox committed the event that announces a change, as for orders (order_store.hpp).
//
// On the OrderStore's connection (OrderStore::connection()): stations.db has one writer, as the
// serial registry's table has.
//
// Threading: loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/core/result.hpp"
#include "daemon/station/return_record.hpp"
#include "daemon/storage/sqlite.hpp"

namespace wedge::station {

class ReturnStore {
 public:
  // Creates the table on `db` (stations.db, open) if missing; throws std::runtime_error (start-up
  // error). `db` outlives the store.
  explicit ReturnStore(storage::Connection& db);

  [[nodiscard]] core::Status save(const ReturnRecord& record);
  // Every stored return (rows that no longer parse are logged and skipped).
  [[nodiscard]] std::vector<ReturnRecord> load_all();
  // Forgets completed and cancelled returns that ended before `cutoff_unix_ms`; how many.
  [[nodiscard]] core::Result<std::int64_t> forget_ended_before(std::int64_t cutoff_unix_ms);

 private:
  storage::Connection& db_;
  storage::Statement upsert_;
};

}  // namespace wedge::station
