// What /proc says about a process and the machine: CPU time (utime + stime of all threads, in clock
// ticks), VmHWM/VmRSS, and the load average. Values, not exceptions: nullopt when the process is
// gone or the file cannot be read. Any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wedge::station_bench {

struct CpuTicks {
  std::int64_t user = 0;
  std::int64_t system = 0;
  std::int64_t total() const { return user + system; }
};

[[nodiscard]] std::optional<CpuTicks> read_cpu_ticks(pid_t pid);
// The sum over every process of process group `pgid` (a broker that runs as a script and its
// children, e.g. a RabbitMQ node); nullopt when the group has no process left.
[[nodiscard]] std::optional<CpuTicks> read_group_cpu_ticks(pid_t pgid);
// A "Key:   123 kB" line of /proc/<pid>/status, in kB.
[[nodiscard]] std::optional<std::int64_t> read_status_kb(pid_t pid, std::string_view key);
[[nodiscard]] long clock_ticks_per_second();
// Time the process's threads spent runnable but waiting for a CPU (/proc/<pid>/task/*/schedstat,
// second field), in ns: what a busy machine adds to every wake-up. The main thread (the event loop
// of the daemon and of the bench) apart from the sum of the others.
struct RunDelay {
  std::int64_t main_thread_ns = 0;
  std::int64_t other_threads_ns = 0;
};
[[nodiscard]] std::optional<RunDelay> read_run_delay(pid_t pid);
// The three load averages, "0.52 0.61 0.70".
[[nodiscard]] std::string load_average();

}  // namespace wedge::station_bench
