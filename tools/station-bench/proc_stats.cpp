#include "tools/station-bench/proc_stats.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace wedge::station_bench {

std::optional<CpuTicks> read_cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  // fields[0] is field 3 (state); utime is field 14, stime field 15 (proc(5)).
  if (fields.size() < 13) return std::nullopt;
  try {
    return CpuTicks{std::stoll(fields[11]), std::stoll(fields[12])};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::int64_t> read_status_kb(pid_t pid, std::string_view key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.size() <= key.size() || line.compare(0, key.size(), key) != 0 || line[key.size()] != ':') continue;
    std::istringstream value(line.substr(key.size() + 1));
    std::int64_t kb = 0;
    if (value >> kb) return kb;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<RunDelay> read_run_delay(pid_t pid) {
  std::error_code ec;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  RunDelay delay;
  bool any = false;
  for (const auto& entry : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream in(entry.path() / "schedstat");
    std::int64_t on_cpu = 0, waiting = 0;
    if (!(in >> on_cpu >> waiting)) continue;
    any = true;
    if (entry.path().filename() == std::to_string(pid)) delay.main_thread_ns += waiting;
    else delay.other_threads_ns += waiting;
  }
  if (ec || !any) return std::nullopt;
  return delay;
}

long clock_ticks_per_second() { return ::sysconf(_SC_CLK_TCK); }

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  if (!(in >> a >> b >> c)) return "unknown";
  return a + " " + b + " " + c;
}

}  // namespace wedge::station_bench
