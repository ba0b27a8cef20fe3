// KpiStore: the KPI room's own file, <state_dir>/kpi.db, holding the KpiTracker's saved state (one
// row), so that a restart loses no KPI figure (docs/workflows.md "KPIs").
//
// Contract
// - load() at start: the saved state, or none on a first start; a file that cannot be read or a row
//   that is not JSON is an error the caller logs (the tracker then starts empty).
// - save() replaces the row in one statement (WAL, synchronous=NORMAL: an application crash loses
//   nothing committed; a power cut may lose the last save, which is a few seconds of figures).
// - Only the stations write it, on the loop: one connection, no other reader or writer, so no
//   call ever waits on a lock (busy_timeout 0). A save is a few kB, once per KPI window and at most
//   every few seconds while figures change (PeriodicChecks).
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>

#include "daemon/core/result.hpp"
#include "daemon/storage/sqlite.hpp"

namespace wedge::kpi {

class KpiStore {
 public:
  // Opens (creating) the file; throws std::runtime_error when it cannot (start-up).
  explicit KpiStore(const std::string& db_path);

  [[nodiscard]] core::Result<std::optional<boost::json::value>> load();
  [[nodiscard]] core::Status save(const boost::json::value& state, std::int64_t now_unix_ms);

 private:
  std::string path_;
  storage::Connection db_;
  storage::Statement upsert_;
  storage::Statement select_;
};

}  // namespace wedge::kpi
