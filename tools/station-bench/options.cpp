#include "tools/station-bench/options.hpp"

#include "tools/common/command_line.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>

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
         "                     [--history N] [--queued N] [--slow-disk MS]\n"
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
         "--slow-disk MS: the run's fsyncs are delayed MS ms (scripts/bench scan --slow-disk preloads the delay;\n"
         "with WEDGE_SLOW_FSYNC_MODE=total each sync takes MS ms, or the disk's own time when longer);\n"
         "the report then checks feedback p99 <= 2 x MS + 2 ms and that nothing was refused unexpectedly.\n"
         "Exit 0: all targets met; 3: a target missed or scans lost; 1: the run failed; 2: usage;\n"
         "130: interrupted.\n";
}

ParseResult parse_options(const std::vector<std::string>& args) {
  Options o;
  ParseResult result;
  // A value out of its range ends the parse with this sentence.
  struct Refused {
    std::string why;
  };
  auto integer_in = [](const char* flag, long long low, long long high, const char* range, auto&& store) {
    return [=](const std::string& value) {
      const auto integer = to_integer(value);
      if (!integer || *integer < low || *integer > high) throw Refused{std::string(flag) + " must be " + range + ", got " + value};
      store(*integer);
    };
  };
  auto number_in = [](const char* flag, auto&& in_range, const char* range, auto&& store) {
    return [=](const std::string& value) {
      const auto number = to_number(value);
      if (!number || !in_range(*number)) throw Refused{std::string(flag) + " must be " + range + ", got " + value};
      store(*number);
    };
  };
  tools::Flags flags;
  flags.flag("help,h", [&] { result.help = true; })
      .flag("keep-work-dir", [&] { o.keep_work_dir = true; })
      .flag("sse-quickack", [&] { o.sse_quickack = true; })
      .flag("no-fsync-probe", [&] { o.fsync_probe = false; })
      .value("wedge", [&](const std::string& v) { o.wedge = v; })
      .value("mosquitto", [&](const std::string& v) { o.mosquitto = v; })
      .value("work-dir", [&](const std::string& v) { o.work_dir = v; })
      .value("log-level", [&](const std::string& v) { o.log_level = v; })
      .value("samples", [&](const std::string& v) { o.samples_file = v; })
      .value("stations", integer_in("--stations", 1, 500, "1 to 500", [&](long long v) { o.stations = static_cast<int>(v); }))
      .value("rate", number_in("--rate", [](double v) { return v > 0 && v <= 100; }, "> 0 and <= 100 scans/s",
                               [&](double v) { o.scans_per_s = v; }))
      .value("duration", number_in("--duration", [](double v) { return v > 0 && v <= 3600; }, "> 0 and <= 3600 s",
                                   [&](double v) { o.duration_s = v; }))
      .value("wrong-percent", number_in("--wrong-percent", [](double v) { return v >= 0 && v <= 100; }, "0 to 100",
                                        [&](double v) { o.wrong_percent = v; }))
      .value("lines", integer_in("--lines", 1, 1000, "1 to 1000", [&](long long v) { o.lines = static_cast<int>(v); }))
      .value("drain-timeout", number_in("--drain-timeout", [](double v) { return v >= 0 && v <= 600; }, "0 to 600 s",
                                        [&](double v) { o.drain_timeout_s = v; }))
      .value("commit-window-us", integer_in("--commit-window-us", 0, 100000, "0 to 100000",
                                            [&](long long v) { o.commit_window_us = static_cast<int>(v); }))
      .value("history", integer_in("--history", 0, 10'000'000, "0 to 10000000",
                                   [&](long long v) { o.history = static_cast<std::size_t>(v); }))
      .value("queued", integer_in("--queued", 0, 100'000, "0 to 100000",
                                  [&](long long v) { o.queued = static_cast<std::size_t>(v); }))
      .value("slow-disk", number_in("--slow-disk", [](double v) { return v > 0 && v <= 1000; }, "> 0 and <= 1000 ms",
                                    [&](double v) { o.slow_disk_ms = v; }))
      .value("seed", integer_in("--seed", 0, std::numeric_limits<long long>::max(), "a non-negative integer",
                                [&](long long v) { o.seed = static_cast<std::uint64_t>(v); }));
  try {
    flags.apply(args);
  } catch (const tools::po::error& e) {
    result.error = tools::message(e);
    return result;
  } catch (const Refused& refused) {
    result.error = refused.why;
    return result;
  }
  if (result.help) return result;
  if (o.wedge.empty()) {
    result.error = "--wedge PATH (the daemon binary) is required";
    return result;
  }
  if (o.slow_disk_ms > 0)
    if (auto why = check_slow_disk(o.slow_disk_ms); !why.empty()) {
      result.error = why;
      return result;
    }
  result.options = std::move(o);
  return result;
}

std::string check_slow_disk(double ms) {
  const char* preload = std::getenv("LD_PRELOAD");
  const char* delay = std::getenv("WEDGE_SLOW_FSYNC_MS");
  const auto in_force = delay ? to_number(delay) : std::nullopt;
  if (preload && std::string_view(preload).find("libwedge-slow-fsync") != std::string_view::npos && in_force &&
      *in_force == ms)
    return {};
  return "--slow-disk needs LD_PRELOAD=<build>/tools/scan-bench/libwedge-slow-fsync.so and WEDGE_SLOW_FSYNC_MS set to the same "
         "value (scripts/bench scan --slow-disk MS sets both)";
}

std::string slow_disk_label(double ms) {
  const char* mode = std::getenv("WEDGE_SLOW_FSYNC_MODE");
  if (mode && std::string_view(mode) == "total")
    return fmt::format("every fsync takes {:g} ms, or the disk's own time when longer (--slow-disk-mode total)", ms);
  return fmt::format("every fsync delayed {:g} ms on top of the disk's own (--slow-disk)", ms);
}

}  // namespace wedge::station_bench
