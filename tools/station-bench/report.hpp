// The benchmark's printed result: set-up, the figures next to their targets with PASS/MISS, losses,
// and an optional CSV of every scan. print_report() returns the process exit code: 0 when every
// target is met and nothing was lost, 3 otherwise.
// Loop thread (reads the ledger).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/station-bench/commit_histogram.hpp"
#include "tools/station-bench/fsync_probe.hpp"
#include "tools/station-bench/options.hpp"
#include "tools/station-bench/proc_stats.hpp"
#include "tools/station-bench/scan_ledger.hpp"

namespace wedge::station_bench {

struct RunFacts {
  Options options;
  std::vector<StationPlan> plans;
  int daemon_pid = 0;
  int broker_port = 0;
  int http_port = 0;
  std::string work_dir;
  std::string load_at_start;
  std::string load_before_scans;
  std::string load_after_scans;
  double window_s = 0;     // wall time between the two CPU readings
  CpuTicks cpu_start;
  CpuTicks cpu_end;
  std::optional<RunDelay> daemon_run_delay;  // over the window
  std::optional<RunDelay> bench_run_delay;
  long ticks_per_s = 100;
  std::optional<std::int64_t> vm_hwm_kb;
  std::optional<std::int64_t> vm_rss_kb;
  std::int64_t send_failures = 0;
  std::int64_t scanner_reconnects = 0;
  std::int64_t sse_frames = 0;
  std::string sse_error;
  std::string daemon_exit;
  std::optional<FsyncProbeResult> fsync_probe;  // unset with --no-fsync-probe; never affects the verdicts
  // The daemon's wedge_outbox_commit_seconds at the two CPU readings (unset when a scrape failed).
  std::optional<CumulativeBuckets> commits_start;
  std::optional<CumulativeBuckets> commits_end;
};

[[nodiscard]] int print_report(const RunFacts& facts, const ScanLedger& ledger);
// One row per scan: station,driver,wrong_item,sent_ms (from the first scan),verdict,event_type,
// feedback_us,puback_us (empty when none arrived). "" or why not.
[[nodiscard]] std::string write_samples(const std::string& path, const RunFacts& facts, const ScanLedger& ledger);

}  // namespace wedge::station_bench
