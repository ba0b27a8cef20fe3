// scan-bench: the measuring half of `scripts/bench scan` (issue 23). Not a test.
//
//   scan-bench run --wedge PATH --work-dir DIR [--pairs N] [--scans N] [--rate R] [--warmup N]
//                  [--drain-timeout S] [--log-level L] [--slow-disk MS] [--mosquitto PATH]
//       wedge against a minimal durable bridge, interleaved (scan_run.hpp); prints both, the
//       ratios against the targets and the same-run fsync floor (scan_report.hpp). Exit 0: every
//       target met; 3: a target missed or scans lost; 1: the run failed; 2: usage.
//   scan-bench bridge --port P --uri U --db PATH --topic-prefix T
//       the bridge itself (bridge.hpp), started by `run` as a process of its own.
//
// --slow-disk MS only labels the report and checks that the fsync delay is in force: the delay
// itself is libwedge-slow-fsync.so, preloaded by scripts/bench into the bench and its children.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/common/command_line.hpp"
#include "tools/scan-bench/bridge.hpp"
#include "tools/scan-bench/handoff.hpp"
#include "tools/scan-bench/scan_report.hpp"
#include "tools/scan-bench/scan_run.hpp"
#include "tools/station-bench/options.hpp"
#include "tools/station-bench/proc_stats.hpp"

namespace {

constexpr const char* kUsage =
    "usage: scan-bench run --wedge PATH --work-dir DIR [--compare PATH] [--pairs N] [--scans N] [--rate R]\n"
    "                      [--warmup N] [--drain-timeout S] [--log-level L] [--slow-disk MS] [--mosquitto PATH]\n"
    "       scan-bench bridge --port P --uri U --db PATH --topic-prefix T\n"
    "       scan-bench handoff [--rounds N] [--blocks N] [--rate R] [--work-us N] [--pipe]\n"
    "run: wedge (one pick station, TCP scanner) against a minimal durable bridge (line -> SQLite WAL\n"
    "synchronous=FULL commit -> Paho QoS 1 -> delete on PUBACK), same broker, disk, scanner writes and\n"
    "subscriber, in N interleaved pairs of rounds (default 3) of 2000 scans at 100/s; prints p50/p99\n"
    "scan -> subscriber, CPU per scan (and by thread), the ratios against the targets, and the fsync floor.\n"
    "--compare PATH: a second wedge binary (e.g. the build before a change) runs beside it as gateway gw2;\n"
    "each pair of rounds becomes a triple, and wedge / compare is printed pair by pair and as medians.\n"
    "handoff: the CPU and time one hand-off to a sleeping thread costs here (tools/scan-bench/handoff.hpp).\n";

int run_mode(const std::vector<std::string>& args, const std::string& self) {
  using namespace wedge::scan_bench;
  RunOptions o;
  o.self = self;
  bool help = false;
  wedge::tools::Flags flags;
  flags.flag("help,h", [&] { help = true; })
      .value("wedge", [&](const std::string& v) { o.wedge = v; })
      .value("compare", [&](const std::string& v) { o.compare = v; })
      .value("work-dir", [&](const std::string& v) { o.work_dir = v; })
      .value("mosquitto", [&](const std::string& v) { o.mosquitto = v; })
      .value("pairs", [&](const std::string& v) { o.pairs = std::stoi(v); })
      .value("scans", [&](const std::string& v) { o.scans = std::stoi(v); })
      .value("rate", [&](const std::string& v) { o.rate = std::stod(v); })
      .value("warmup", [&](const std::string& v) { o.warmup = std::stoi(v); })
      .value("drain-timeout", [&](const std::string& v) { o.drain_timeout_s = std::stod(v); })
      .value("log-level", [&](const std::string& v) { o.log_level = v; })
      .value("slow-disk", [&](const std::string& v) { o.slow_disk_ms = std::stod(v); });
  try {
    flags.apply(args);
  } catch (const wedge::tools::po::error& e) {
    std::fprintf(stderr, "scan-bench: %s\n%s", wedge::tools::message(e).c_str(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scan-bench: a number was expected (%s)\n%s", e.what(), kUsage);
    return 2;
  }
  if (help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (o.wedge.empty() || o.work_dir.empty() || o.pairs < 1 || o.scans < 1 || !(o.rate > 0 && o.rate <= 10000) || o.warmup < 0) {
    std::fprintf(stderr, "scan-bench: --wedge and --work-dir are required; --pairs, --scans >= 1; --rate in (0, 10000]\n%s",
                 kUsage);
    return 2;
  }
  if (o.slow_disk_ms > 0)
    if (auto why = wedge::station_bench::check_slow_disk(o.slow_disk_ms); !why.empty()) {
      std::fprintf(stderr, "scan-bench: %s\n", why.c_str());
      return 2;
    }
  std::printf("scan benchmark: wedge %s against a minimal durable bridge%s, %d pairs of rounds of %d scans at %g/s,\n"
              "  interleaved (bridge first in odd pairs), %d warm-up scans each; work dir %s; load average %s\n",
              o.wedge.c_str(), o.compare.empty() ? "" : (" and " + o.compare).c_str(), o.pairs, o.scans, o.rate, o.warmup,
              o.work_dir.c_str(),
              wedge::station_bench::load_average().c_str());
  std::fflush(stdout);
  try {
    return print_scan_report(o, run_scan_bench(o));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scan-bench: %s\n", e.what());
    return 1;
  }
}

int bridge_mode(const std::vector<std::string>& args) {
  wedge::scan_bench::BridgeOptions o;
  wedge::tools::Flags flags;
  flags.value("port", [&](const std::string& v) { o.port = std::stoi(v); })
      .value("uri", [&](const std::string& v) { o.uri = v; })
      .value("db", [&](const std::string& v) { o.db_path = v; })
      .value("topic-prefix", [&](const std::string& v) { o.topic_prefix = v; });
  try {
    flags.apply(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scan-bench bridge: bad command line (%s)\n%s", e.what(), kUsage);
    return 2;
  }
  if (o.port <= 0 || o.uri.empty() || o.db_path.empty() || o.topic_prefix.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  return wedge::scan_bench::run_bridge(o);
}

int handoff_mode(const std::vector<std::string>& args) {
  wedge::scan_bench::HandoffOptions o;
  wedge::tools::Flags flags;
  flags.value("rounds", [&](const std::string& v) { o.rounds = std::stoi(v); })
      .value("blocks", [&](const std::string& v) { o.blocks = std::stoi(v); })
      .value("rate", [&](const std::string& v) { o.rate = std::stod(v); })
      .value("work-us", [&](const std::string& v) { o.work_us = std::stoi(v); })
      .flag("pipe", [&] { o.pipe = true; });
  try {
    flags.apply(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scan-bench handoff: bad command line (%s)\n%s", e.what(), kUsage);
    return 2;
  }
  if (o.rounds < 10 || o.blocks < 1 || !(o.rate > 0 && o.rate <= 10000) || o.work_us < 0 || o.work_us > 5000) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  return wedge::scan_bench::run_handoff(o);
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  const std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
  const std::string mode = argc > 1 ? argv[1] : "";
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (mode == "run") return run_mode(args, ec ? std::string(argv[0]) : self.string());
  if (mode == "bridge") return bridge_mode(args);
  if (mode == "handoff") return handoff_mode(args);
  std::fputs(kUsage, mode == "-h" || mode == "--help" ? stdout : stderr);
  return mode == "-h" || mode == "--help" ? 0 : 2;
}
