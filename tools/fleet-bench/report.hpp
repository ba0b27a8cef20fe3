// The fleet benchmark's printed result: one row per point (broker, N) with the figures beside their
// targets (PASS/MISS), the per-gateway spread under it, and the summary at the end. Every figure is
// one measured in the run; nothing is filled in. Loop thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/fleet-bench/options.hpp"
#include "tools/station-bench/fsync_probe.hpp"
#include "tools/station-bench/latency_samples.hpp"

namespace wedge::fleet_bench {

inline constexpr double kLatencyFsyncFactor = 3.0;  // scan->OMS p99 <= 3 x fsync p99 + 5 ms (mosquitto)
inline constexpr double kLatencySlackMs = 5.0;
inline constexpr std::int64_t kRssLimitKb = 32 * 1024;  // per gateway, peak (VmHWM)

struct GatewayFigures {
  std::string id;
  int node = 0;  // the broker node its uris start at
  std::int64_t scans_sent = 0;
  std::int64_t lost = 0;
  std::int64_t duplicates = 0;
  std::int64_t seq_gaps = 0;
  std::int64_t unknown_scans = 0;
  double cpu_percent = 0;  // of one core, over the measured window
  std::optional<std::int64_t> vm_hwm_kb;
  std::string exit;  // how the daemon ended when it was stopped
};

struct PointFigures {
  BrokerKind broker = BrokerKind::mosquitto;
  int gateways = 0;
  int stations = 0;              // per gateway
  bool node_killed = false;
  double kill_at_s = 0;          // into the window
  double window_s = 0;           // measured wall time
  double scans_per_s = 0;        // written in the window
  double events_per_s = 0;       // scan events received at the OMS in the window
  station_bench::LatencySamples latency;  // scan -> OMS of the scans written in the window
  std::int64_t latency_missing = 0;        // of those, never received
  std::optional<station_bench::FsyncProbeResult> fsync;
  std::vector<GatewayFigures> per_gateway;
  double broker_cpu_percent = 0;  // all nodes, of one core
  std::vector<double> broker_node_cpu_percent;  // each node
  double bench_cpu_percent = 0;   // this process: load generator, OMS subscriber, fsync probe
  std::int64_t send_failures = 0;
  bool drained = false;
  double drain_s = 0;
  std::string load;  // load average after the window

  std::int64_t lost() const;
  std::int64_t duplicates() const;
  std::int64_t seq_gaps() const;
  std::optional<double> latency_limit_ms() const;  // mosquitto and a probe result only
  bool lost_ok() const { return lost() == 0 && seq_gaps() == 0; }
  std::optional<bool> latency_ok() const;
  bool rss_ok() const;
};

void print_header(const FleetOptions& options);
void print_point(const PointFigures& point, bool per_gateway);
// The table of every point again, the targets' verdicts and the wall time; returns the exit code
// (0 every target met, 3 one missed).
[[nodiscard]] int print_summary(const std::vector<PointFigures>& points, double elapsed_s);

}  // namespace wedge::fleet_bench
