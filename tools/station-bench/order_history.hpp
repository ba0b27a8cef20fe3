// A day of finished work in stations.db before the daemon starts (--history N): N shipped orders
// spread over the last 23 hours, each with its shipping label's SSCC, the way a gateway's store
// looks in the afternoon. Without them the bench measures a gateway that was just installed; with
// them it shows whether finished orders cost the stations anything (they did: at 40,000 orders,
// before they left memory, 79 % of a core, 176 MB and a feedback p99 of 620 ms).
//
// Written through the daemon's own OrderStore, so the rows are exactly what the daemon writes.
// Main thread, before the daemon runs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tools/station-bench/scan_plan.hpp"

namespace wedge::station_bench {

// Stores `count` shipped orders (HIST-0000001 …, ranks below every bench order, spread over the
// plans' stations) in `state_dir`/stations.db; the error as a sentence, empty when done.
[[nodiscard]] std::string write_order_history(const std::string& state_dir, const std::vector<StationPlan>& plans,
                                              std::size_t count);

}  // namespace wedge::station_bench
