// Command line of fleet-bench (see usage_text()): which brokers, how many gateways per point, how
// long each point runs. parse_fleet_options() checks every value and reports the first problem as
// a sentence; it never exits the process.
// Any thread (pure functions).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace wedge::fleet_bench {

enum class BrokerKind { mosquitto, cluster };

struct FleetOptions {
  std::string wedge;  // the daemon binary (required)
  std::string mosquitto = "/usr/sbin/mosquitto";
  std::string rabbitmq_bin = "/usr/lib/rabbitmq/bin";  // rabbitmq-server and rabbitmqctl
  std::string epmd = "/usr/bin/epmd";
  std::string work_dir;  // empty: a fresh /tmp directory, removed at exit
  bool keep_work_dir = false;
  std::vector<BrokerKind> brokers{BrokerKind::mosquitto, BrokerKind::cluster};
  std::vector<int> gateway_counts{1, 2, 5, 10, 20};  // N, one point each
  int stations = 25;        // M per gateway
  double scans_per_s = 1.0;  // per station
  double warmup_s = 5.0;    // scanning before the measured window
  double seconds = 20.0;    // the measured window
  double drain_timeout_s = 15.0;
  bool kill_row = true;      // on the cluster: one more point with a node killed mid-window
  std::optional<int> kill_n;  // its N; unset: the largest N
  std::string log_level = "info";
  std::optional<int> rabbitmq_prefetch;  // mqtt.prefetch of the cluster's nodes; unset: RabbitMQ's default
  bool per_gateway = true;  // one line per gateway under each row (else only those with a problem)
};

struct FleetParseResult {
  std::optional<FleetOptions> options;
  std::string error;  // when !options and !help
  bool help = false;
};

[[nodiscard]] FleetParseResult parse_fleet_options(const std::vector<std::string>& args);
[[nodiscard]] std::string fleet_usage_text();
[[nodiscard]] std::string_view to_string(BrokerKind kind);

}  // namespace wedge::fleet_bench
