#include "tools/station-bench/options.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace wedge::station_bench {

namespace {

std::optional<double> to_number(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<long long> to_integer(const std::string& text) {
  long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string usage_text() {
  return "usage: station-bench --wedge PATH [--mosquitto PATH] [--work-dir DIR] [--keep-work-dir]\n"
         "                     [--stations N] [--rate SCANS_PER_S] [--duration S] [--wrong-percent P]\n"
         "                     [--lines N] [--drain-timeout S] [--log-level L] [--commit-window-us N]\n"
         "                     [--seed N] [--samples FILE.csv] [--sse-quickack] [--no-fsync-probe]\n"
         "                     [--history N] [--queued N]\n"
         "Starts mosquitto on a free loopback port and the daemon with N pick stations (half with serial\n"
         "scanners on pty pairs, half with TCP scanners in client and listen mode), pushes one pick list\n"
         "per station over MQTT, scans at RATE per station for S seconds and prints scan-to-feedback\n"
         "(GET /events), scan-to-PUBACK (QoS 1 subscriber receipt), the daemon's CPU and peak RSS.\n"
         "Defaults: 50 stations, 2 scans/s, 60 s, 5% wrong items, 4 lines, drain 10 s, log level info,\n"
         "the daemon's own group-commit window.\n"
         "--sse-quickack (diagnostic): the bench ACKs every event-stream frame at once (TCP_QUICKACK),\n"
         "as a browser would not, to show the part of the feedback latency that is Nagle's algorithm on\n"
         "the daemon's socket waiting for a delayed ACK.\n"
         "Baseline: while the scans run, a thread of the bench times a bare pwrite of 4 KiB + fdatasync in\n"
         "the work dir 20 times a second and prints its p50/p99/max: the disk's floor under the feedback\n"
         "of an accepted scan (the outbox commit is one such sync). --no-fsync-probe turns it off.\n"
         "--history N: N shipped orders of the last 23 hours in stations.db before the daemon starts, as\n"
         "a gateway has after a day's work (40000: a day of this bench's 50 stations); default 0.\n"
         "--queued N: N more pick lists per station, pushed once every station picks, that wait behind\n"
         "the measured order (a wave of orders released at once); default 0.\n"
         "Exit 0: all targets met; 3: a target missed or scans lost; 1: the run failed; 2: usage;\n"
         "130: interrupted.\n";
}

ParseResult parse_options(const std::vector<std::string>& args) {
  Options o;
  ParseResult result;
  auto fail = [&](std::string why) {
    result.error = std::move(why);
    return result;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& key = args[i];
    if (key == "-h" || key == "--help") {
      result.help = true;
      return result;
    }
    if (key == "--keep-work-dir") {
      o.keep_work_dir = true;
      continue;
    }
    if (key == "--sse-quickack") {
      o.sse_quickack = true;
      continue;
    }
    if (key == "--no-fsync-probe") {
      o.fsync_probe = false;
      continue;
    }
    if (i + 1 >= args.size()) return fail(key + " needs a value");
    const std::string& value = args[++i];
    const auto number = to_number(value);
    const auto integer = to_integer(value);
    if (key == "--wedge") o.wedge = value;
    else if (key == "--mosquitto") o.mosquitto = value;
    else if (key == "--work-dir") o.work_dir = value;
    else if (key == "--log-level") o.log_level = value;
    else if (key == "--samples") o.samples_file = value;
    else if (key == "--stations") {
      if (!integer || *integer < 1 || *integer > 500) return fail("--stations must be 1 to 500, got " + value);
      o.stations = static_cast<int>(*integer);
    } else if (key == "--rate") {
      if (!number || *number <= 0 || *number > 100) return fail("--rate must be > 0 and <= 100 scans/s, got " + value);
      o.scans_per_s = *number;
    } else if (key == "--duration") {
      if (!number || *number <= 0 || *number > 3600) return fail("--duration must be > 0 and <= 3600 s, got " + value);
      o.duration_s = *number;
    } else if (key == "--wrong-percent") {
      if (!number || *number < 0 || *number > 100) return fail("--wrong-percent must be 0 to 100, got " + value);
      o.wrong_percent = *number;
    } else if (key == "--lines") {
      if (!integer || *integer < 1 || *integer > 1000) return fail("--lines must be 1 to 1000, got " + value);
      o.lines = static_cast<int>(*integer);
    } else if (key == "--drain-timeout") {
      if (!number || *number < 0 || *number > 600) return fail("--drain-timeout must be 0 to 600 s, got " + value);
      o.drain_timeout_s = *number;
    } else if (key == "--commit-window-us") {
      if (!integer || *integer < 0 || *integer > 100000) return fail("--commit-window-us must be 0 to 100000, got " + value);
      o.commit_window_us = static_cast<int>(*integer);
    } else if (key == "--history") {
      if (!integer || *integer < 0 || *integer > 10'000'000) return fail("--history must be 0 to 10000000, got " + value);
      o.history = static_cast<std::size_t>(*integer);
    } else if (key == "--queued") {
      if (!integer || *integer < 0 || *integer > 100'000) return fail("--queued must be 0 to 100000, got " + value);
      o.queued = static_cast<std::size_t>(*integer);
    } else if (key == "--seed") {
      if (!integer || *integer < 0) return fail("--seed must be a non-negative integer, got " + value);
      o.seed = static_cast<std::uint64_t>(*integer);
    } else {
      return fail("unknown option " + key);
    }
  }
  if (o.wedge.empty()) return fail("--wedge PATH (the daemon binary) is required");
  result.options = std::move(o);
  return result;
}

}  // namespace wedge::station_bench
