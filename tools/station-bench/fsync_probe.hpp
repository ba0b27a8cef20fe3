// FsyncProbe: the disk floor under the feedback latency. An accepted scan's feedback waits for the
// outbox's SQLite commit (synchronous=FULL: one fdatasync of the WAL), so no feedback p99 can beat
// the p99 of a bare pwrite + fdatasync on the same file system at the same time. The probe measures
// that on its own thread while the scans run: every 1/rate s it overwrites 4 KiB at a rotating
// offset of a 4 MiB file it creates (already written and synced, as a reused WAL is) and
// fdatasyncs it, recording the duration of write + sync (steady clock, ns).
//
// Contract: start() creates the file and starts the thread, stop() ends the thread, joins it and
// removes the file; the destructor stops. Failures (open, write, sync) are values: start() returns
// why it could not start, and a failure on the thread ends the probing and is kept in result().error.
// Nothing is thrown out of the thread.
// Threading: construct, start(), stop() and result() on one thread (the bench's loop thread);
// result() is complete once stop() has returned.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "tools/station-bench/latency_samples.hpp"

namespace wedge::station_bench {

struct FsyncProbeResult {
  double rate_hz = 0;
  LatencySamples syncs;  // one per pwrite + fdatasync
  std::string error;     // "" or the first failure
};

class FsyncProbe {
 public:
  // A fifth of the bench's default commit rate (50 stations x 2 scans/s): 1,200 samples a minute,
  // enough for a p99, without doubling the disk load it measures.
  static constexpr double kDefaultRateHz = 20.0;
  static constexpr std::size_t kWriteBytes = 4096;
  static constexpr std::size_t kFileBytes = 4 * 1024 * 1024;

  explicit FsyncProbe(std::string path, double rate_hz = kDefaultRateHz);
  ~FsyncProbe();
  FsyncProbe(const FsyncProbe&) = delete;
  FsyncProbe& operator=(const FsyncProbe&) = delete;

  // "" when the thread runs; otherwise why not (also kept in result().error).
  [[nodiscard]] std::string start();
  void stop();
  const FsyncProbeResult& result() const { return result_; }

 private:
  void run();
  void remove_file();

  std::string path_;
  int fd_ = -1;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_requested_ = false;  // guarded by mutex_
  FsyncProbeResult result_;      // the thread's while it runs
};

}  // namespace wedge::station_bench
