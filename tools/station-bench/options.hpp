// Command line of station-bench (see usage_text()): what to run and for how long. parse_options()
// checks every value and reports the first problem as a sentence; it never exits the process.
// Any thread (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wedge::station_bench {

struct Options {
  std::string wedge;                              // the daemon binary (required)
  std::string mosquitto = "/usr/sbin/mosquitto";  // the broker binary
  std::string work_dir;                           // empty: a fresh /tmp directory, removed at exit
  bool keep_work_dir = false;
  int stations = 50;
  double scans_per_s = 2.0;    // per station
  double duration_s = 60.0;    // of the measured scanning
  double wrong_percent = 5.0;  // scans of an item not on the order (refused wrong_item)
  int lines = 4;               // order lines per station (more when the run needs > 100000 units/line)
  double drain_timeout_s = 10.0;
  std::string log_level = "info";        // the daemon's log.level
  std::optional<int> commit_window_us;   // outbox.group_commit_window_us; unset: the daemon's default
  std::uint64_t seed = 1;
  std::string samples_file;              // optional CSV with one row per scan
  bool sse_quickack = false;             // diagnostic: ACK every event-stream frame at once
  bool fsync_probe = true;               // the bare pwrite+fdatasync baseline in the work dir
  std::size_t history = 0;               // shipped orders of the last day in stations.db at start
  std::size_t queued = 0;                // more pick lists per station, waiting behind the measured one
  double slow_disk_ms = 0;               // the fsync delay in force (libwedge-slow-fsync.so), 0: none
};

struct ParseResult {
  std::optional<Options> options;
  std::string error;  // when !options and !help
  bool help = false;
};

[[nodiscard]] ParseResult parse_options(const std::vector<std::string>& args);
[[nodiscard]] std::string usage_text();
// --slow-disk MS: "" when this process runs with LD_PRELOAD=…/libwedge-slow-fsync.so and
// WEDGE_SLOW_FSYNC_MS=MS (its children inherit both), else why not.
[[nodiscard]] std::string check_slow_disk(double ms);
// How the preloaded shim slows a sync (WEDGE_SLOW_FSYNC_MODE): "delayed MS ms" (add, the default)
// or "takes MS ms" (total: the real sync, then the rest of MS), for the reports.
[[nodiscard]] std::string slow_disk_label(double ms);

}  // namespace wedge::station_bench
