// ScanRun: one run of `scripts/bench scan` (issue 23): wedge against a minimal durable bridge
// (bridge.hpp), on the same broker and disk, from the same scanner-side TCP writes to the same MQTT
// subscriber, in interleaved rounds.
//
// Set-up: mosquitto on a free loopback port; a QoS 1 subscriber (station-bench's MqttObserver) on
// the gateway's topics; the bridge (`scan-bench bridge`, a child process) listening on one port and
// the daemon (one pick station, one TCP scanner in listen mode) on another; one pick list pushed and
// picking; one TCP connection from the bench to each, Nagle off; a few unmeasured warm-up scans to
// each. Then `pairs` pairs of rounds, the order alternating (bridge wedge, wedge bridge, …) so that
// a change in the machine's load moves both sides: a round writes `scans` GS1-128 item scans
// (`]C1 01<GTIN>`, the order's lines in turn, one write each) at `rate` per second to one side and
// waits for as many messages at the subscriber; the k-th message of a side answers its k-th scan
// (one connection, one session, in order; a message naming another code is counted). Per round: scan → subscriber p50/p99 (the write just before, the
// receipt stamped first thing in Paho's callback), the side's CPU (utime + stime of its process from
// the first scan to the last receipt) per scan, its CPU split by thread, the load average. While the
// rounds run, station-bench's FsyncProbe times a bare 4 KiB pwrite + fdatasync in the work dir.
//
// With `compare` (another wedge binary: the build before a change), a second daemon runs beside
// the first as gateway "gw2" with its own state dir, scanner and station, and each pair of rounds
// becomes a triple (bridge, wedge, compare; the order reversed in even triples), so that a change
// is measured side by side with the build before it, in one run, against the same bridge.
//
// The bench's main thread runs the flow and blocks; an io_context thread runs the subscriber's
// handler, which records receipts under a mutex. Children are stopped on return and on any failure.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/scan-bench/thread_cpu.hpp"
#include "tools/station-bench/fsync_probe.hpp"

namespace wedge::scan_bench {

struct RunOptions {
  std::string wedge;                              // the daemon binary (required)
  std::string compare;                            // optional: a second daemon binary, measured beside it
  std::string mosquitto = "/usr/sbin/mosquitto";
  std::string self;                               // this program, for `scan-bench bridge`
  std::string work_dir;                           // required; the caller removes it
  int pairs = 3;
  int scans = 2000;  // per round
  double rate = 100.0;
  int warmup = 100;  // unmeasured scans to each side before the first round
  double drain_timeout_s = 10.0;
  std::string log_level = "info";
  double slow_disk_ms = 0;  // the fsync delay in force (LD_PRELOAD shim), for the report
};

enum class Side { bridge, wedge, compare };
[[nodiscard]] const char* side_name(Side side);

struct RoundResult {
  Side side = Side::bridge;
  int pair = 0;
  std::size_t sent = 0;
  std::size_t received = 0;
  std::size_t mismatched = 0;  // arrivals naming another scan than the one at their place
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::int64_t cpu_ticks = 0;  // utime + stime of the side's process over the round
  ThreadTicks threads;         // the same, by thread
  double seconds = 0;          // first scan to last receipt
  std::string load;
};

struct RunResult {
  std::vector<RoundResult> rounds;
  station_bench::FsyncProbeResult fsync;
  long ticks_per_s = 100;
  std::map<std::string, std::size_t> refused;  // wedge's scan.refused by reason: none expected
  std::string load_start, load_end;
};

// Runs everything; throws std::runtime_error with the reason when the run cannot go on.
[[nodiscard]] RunResult run_scan_bench(const RunOptions& options);

}  // namespace wedge::scan_bench
