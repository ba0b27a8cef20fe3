// The standard Prometheus process metrics of the running daemon, read from /proc/self at each
// scrape (the names and units of the Prometheus client libraries, so fleet dashboards and alerts
// written for any exporter work unchanged):
//   process_cpu_seconds_total        user + system CPU time (/proc/self/stat utime + stime)
//   process_resident_memory_bytes    resident set size (/proc/self/statm × page size)
//   process_virtual_memory_bytes     virtual size (/proc/self/statm)
//   process_open_fds                 entries of /proc/self/fd
//   process_max_fds                  the RLIMIT_NOFILE soft limit
//   process_start_time_seconds       start time, Unix seconds (stat starttime + /proc/stat btime)
// A figure that cannot be read (no /proc) is left out rather than written as 0.
// Any thread; no state.
#pragma once

#include "daemon/http/prometheus.hpp"

namespace wedge::http {

void append_process_metrics(PrometheusText& text);

}  // namespace wedge::http
