#include "tools/station-bench/proc_stats.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace wedge::station_bench {

namespace {

// The fields of /proc/<pid>/stat after the command name: [0] is field 3 (state), [2] field 5
// (pgrp), [11] field 14 (utime), [12] field 15 (stime) (proc(5)).
std::vector<std::string> stat_fields(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

std::optional<CpuTicks> ticks_of(const std::vector<std::string>& fields) {
  if (fields.size() < 13) return std::nullopt;
  try {
    return CpuTicks{std::stoll(fields[11]), std::stoll(fields[12])};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<CpuTicks> read_cpu_ticks(pid_t pid) { return ticks_of(stat_fields(std::to_string(pid))); }

std::optional<CpuTicks> read_group_cpu_ticks(pid_t pgid) {
  std::error_code ec;
  std::optional<CpuTicks> sum;
  const std::string group = std::to_string(pgid);
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto fields = stat_fields(name);
    if (fields.size() < 13 || fields[2] != group) continue;
    if (const auto ticks = ticks_of(fields)) {
      if (!sum) sum = CpuTicks{};
      sum->user += ticks->user;
      sum->system += ticks->system;
    }
  }
  return sum;
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
