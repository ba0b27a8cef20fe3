// ReturnStore: the returns in stations.db (table `returns`, one row per return: its id, the order
// id, the status and the record JSON of return_record.hpp), so that an announced return waits
// across restarts and a return resumes in the middle of its scans. The stations save after the
// outbox committed the event that announces a change, as for orders (order_store.hpp).
//
// Its own connection to stations.db (WAL: the OrderStore's connection and this one never block
// each other for long; busy_timeout covers the rest).
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
  // Opens or creates the table in `db_path`; throws std::runtime_error (start-up error).
  explicit ReturnStore(const std::string& db_path);

  [[nodiscard]] core::Status save(const ReturnRecord& record);
  // Every stored return (rows that no longer parse are logged and skipped).
  [[nodiscard]] std::vector<ReturnRecord> load_all();
  // Forgets completed and cancelled returns that ended before `cutoff_unix_ms`; how many.
  [[nodiscard]] core::Result<std::int64_t> forget_ended_before(std::int64_t cutoff_unix_ms);

 private:
  storage::Connection db_;
  storage::Statement upsert_;
};

}  // namespace wedge::station
