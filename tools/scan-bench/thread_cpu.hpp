// CPU time per thread of a process, from /proc/<pid>/task/*/stat (utime + stime, clock ticks),
// summed by a label: "loop" for the main thread (tid == pid: the daemon's io_context, which runs the
// stations, the drivers, HTTP and the event streams), otherwise the thread's name (comm). Threads of
// one name add up (Paho's unnamed threads carry the process's name). Values, not exceptions: an empty
// map when the process is gone. Any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

namespace wedge::scan_bench {

using ThreadTicks = std::map<std::string, std::int64_t>;

[[nodiscard]] ThreadTicks read_thread_ticks(pid_t pid);
// b - a per label (a label only in b counts from 0).
[[nodiscard]] ThreadTicks minus(const ThreadTicks& b, const ThreadTicks& a);
// Adds `more` into `sum`.
void add_to(ThreadTicks& sum, const ThreadTicks& more);

}  // namespace wedge::scan_bench
