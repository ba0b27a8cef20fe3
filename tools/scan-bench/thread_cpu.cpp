#include "tools/scan-bench/thread_cpu.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace wedge::scan_bench {

ThreadTicks read_thread_ticks(pid_t pid) {
  ThreadTicks ticks;
  std::error_code ec;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& entry : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    // comm is field 2, in parentheses, and may hold spaces: fields are counted after the last ')'.
    const auto open = line.find('(');
    const auto close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    std::istringstream rest(line.substr(close + 1));
    std::vector<std::string> fields;
    for (std::string f; rest >> f;) fields.push_back(f);
    if (fields.size() < 13) continue;  // fields[11], [12]: utime, stime (proc(5) fields 14, 15)
    const bool main_thread = entry.path().filename() == std::to_string(pid);
    const std::string label = main_thread ? "loop" : line.substr(open + 1, close - open - 1);
    try {
      ticks[label] += std::stoll(fields[11]) + std::stoll(fields[12]);
    } catch (const std::exception&) {
      continue;
    }
  }
  return ticks;
}

ThreadTicks minus(const ThreadTicks& b, const ThreadTicks& a) {
  ThreadTicks out;
  for (const auto& [label, t] : b) {
    const auto it = a.find(label);
    out[label] = t - (it == a.end() ? 0 : it->second);
  }
  return out;
}

void add_to(ThreadTicks& sum, const ThreadTicks& more) {
  for (const auto& [label, t] : more) sum[label] += t;
}

}  // namespace wedge::scan_bench
