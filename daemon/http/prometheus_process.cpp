#include "daemon/http/prometheus_process.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>

namespace wedge::http {
namespace {

// Fields 14 (utime), 15 (stime) and 22 (starttime) of /proc/self/stat, in clock ticks. The second
// field (comm) may hold spaces and parentheses: fields are counted after its last ')'.
struct StatTicks {
  std::uint64_t utime = 0, stime = 0, starttime = 0;
};

std::optional<StatTicks> read_stat() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  StatTicks ticks;
  for (int number = 3; fields >> field; ++number) {
    if (number == 14) ticks.utime = std::stoull(field);
    if (number == 15) ticks.stime = std::stoull(field);
    if (number == 22) {
      ticks.starttime = std::stoull(field);
      return ticks;
    }
  }
  return std::nullopt;
}

std::optional<std::uint64_t> boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  std::uint64_t value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

std::optional<std::int64_t> open_fds() {
  std::error_code ec;
  std::int64_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec))
    ++count;
  if (ec) return std::nullopt;
  return count - 1;  // the iterator's own descriptor on /proc/self/fd
}

}  // namespace

void append_process_metrics(PrometheusText& text) {
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto stat = read_stat();
  if (stat && ticks_per_second > 0) {
    text.declare("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
    text.sample("process_cpu_seconds_total", static_cast<double>(stat->utime + stat->stime) / ticks_per_second);
  }
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0, resident_pages = 0;
  if (statm >> size_pages >> resident_pages) {
    const auto page = static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
    text.declare("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    text.sample("process_resident_memory_bytes", static_cast<std::int64_t>(resident_pages) * page);
    text.declare("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    text.sample("process_virtual_memory_bytes", static_cast<std::int64_t>(size_pages) * page);
  }
  if (const auto fds = open_fds()) {
    text.declare("process_open_fds", "gauge", "Number of open file descriptors.");
    text.sample("process_open_fds", *fds);
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    text.declare("process_max_fds", "gauge", "Maximum number of open file descriptors.");
    text.sample("process_max_fds", static_cast<std::int64_t>(limit.rlim_cur));
  }
  const auto boot = boot_time_seconds();
  if (stat && boot && ticks_per_second > 0) {
    text.declare("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
    text.sample("process_start_time_seconds",
                static_cast<double>(*boot) + static_cast<double>(stat->starttime) / ticks_per_second);
  }
}

}  // namespace wedge::http
