#include "tools/fleet-bench/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "tools/common/command_line.hpp"

namespace wedge::fleet_bench {

namespace {

struct Refused {
  std::string why;
};

double number_in(const std::string& flag, const std::string& text, double low, double high) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) || value < low || value > high)
    throw Refused{"--" + flag + " must be a number from " + std::to_string(low) + " to " + std::to_string(high) +
                  ", got " + text};
  return value;
}

int integer_in(const std::string& flag, std::string_view text, int low, int high) {
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < low || value > high)
    throw Refused{"--" + flag + " must be an integer from " + std::to_string(low) + " to " + std::to_string(high) +
                  ", got " + std::string(text)};
  return value;
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto comma = text.find(',');
    parts.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return parts;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace

std::string_view to_string(BrokerKind kind) { return kind == BrokerKind::mosquitto ? "mosquitto" : "cluster"; }

std::string fleet_usage_text() {
  return "usage: fleet-bench --wedge PATH [--brokers mosquitto,cluster] [--n 1,2,5,10,20] [--stations M]\n"
         "                   [--rate SCANS_PER_S] [--warmup S] [--seconds S] [--drain-timeout S]\n"
         "                   [--no-kill-row] [--kill-n N] [--no-per-gateway] [--log-level L] [--rabbitmq-prefetch N]\n"
         "                   [--mosquitto PATH] [--rabbitmq-bin DIR] [--epmd PATH] [--work-dir DIR] [--keep-work-dir]\n"
         "For each broker (one mosquitto; a three-node RabbitMQ cluster on loopback) and each N: starts N\n"
         "gateway daemons of M pick stations each (TCP scanners in listen mode), one pick list per station,\n"
         "then this one process scans on every station at RATE from one timer, for a warm-up and a measured\n"
         "window, and an OMS subscriber (QoS 1, in this process) receives the events. Prints per N: events/s\n"
         "at the OMS, scan->OMS p50/p99, the same-run fsync p99, the OMS ledger per gateway (lost,\n"
         "duplicates, seq gaps), CPU and peak RSS per gateway, the broker's and this process's CPU; on the\n"
         "cluster one more row with node 1 killed (SIGKILL) in the middle of the window. Under each row a line\n"
         "per gateway (--no-per-gateway: only those with something lost, duplicated or over the RSS target).\n"
         "Defaults: both brokers, N = 1,2,5,10,20, M = 25, 1 scan/s, warm-up 5 s, 20 s measured, drain 15 s,\n"
         "kill row at the largest N, log level info.\n"
         "Targets: 0 lost (and no seq gap) at every N; on mosquitto scan->OMS p99 <= 3 x fsync p99 + 5 ms\n"
         "(stated for N = 20, checked at every N); peak RSS <= 32 MB per gateway.\n"
         "Exit 0: all targets met; 3: a target missed; 1: the run failed; 2: usage; 130: interrupted.\n";
}

FleetParseResult parse_fleet_options(const std::vector<std::string>& args) {
  FleetOptions o;
  FleetParseResult result;
  tools::Flags flags;
  flags.flag("help,h", [&] { result.help = true; })
      .flag("keep-work-dir", [&] { o.keep_work_dir = true; })
      .flag("no-kill-row", [&] { o.kill_row = false; })
      .flag("no-per-gateway", [&] { o.per_gateway = false; })
      .value("wedge", [&](const std::string& v) { o.wedge = v; })
      .value("mosquitto", [&](const std::string& v) { o.mosquitto = v; })
      .value("rabbitmq-bin", [&](const std::string& v) { o.rabbitmq_bin = v; })
      .value("epmd", [&](const std::string& v) { o.epmd = v; })
      .value("work-dir", [&](const std::string& v) { o.work_dir = v; })
      .value("log-level", [&](const std::string& v) { o.log_level = v; })
      .value("brokers",
             [&](const std::string& v) {
               o.brokers.clear();
               for (const auto part : split(v)) {
                 if (part == "mosquitto") o.brokers.push_back(BrokerKind::mosquitto);
                 else if (part == "cluster") o.brokers.push_back(BrokerKind::cluster);
                 else throw Refused{"--brokers takes mosquitto, cluster or both (comma-separated), got " + v};
               }
             })
      .value("n",
             [&](const std::string& v) {
               o.gateway_counts.clear();
               for (const auto part : split(v)) o.gateway_counts.push_back(integer_in("n", part, 1, 99));
             })
      .value("stations", [&](const std::string& v) { o.stations = integer_in("stations", v, 1, 99); })
      .value("rate", [&](const std::string& v) { o.scans_per_s = number_in("rate", v, 0.01, 50); })
      .value("warmup", [&](const std::string& v) { o.warmup_s = number_in("warmup", v, 0, 600); })
      .value("seconds", [&](const std::string& v) { o.seconds = number_in("seconds", v, 1, 3600); })
      .value("drain-timeout", [&](const std::string& v) { o.drain_timeout_s = number_in("drain-timeout", v, 1, 600); })
      .value("kill-n", [&](const std::string& v) { o.kill_n = integer_in("kill-n", v, 1, 99); })
      .value("rabbitmq-prefetch",
             [&](const std::string& v) { o.rabbitmq_prefetch = integer_in("rabbitmq-prefetch", v, 0, 65535); });
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
  // One order line per station holds at most 100000 units (docs/scan-validation.md §3).
  if (o.scans_per_s * (o.warmup_s + o.seconds) > 90000) {
    result.error = "--rate x (--warmup + --seconds) must stay under 90000 scans per station";
    return result;
  }
  result.options = std::move(o);
  return result;
}

}  // namespace wedge::fleet_bench
