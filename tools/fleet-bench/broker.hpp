// BenchBroker: the broker one series of fleet points runs against, started and stopped by the bench.
//
// - mosquitto: one process on a free loopback port (the configuration of `scripts/bench stations`:
//   no persistence, no queue limits, TCP_NODELAY).
// - cluster: three RabbitMQ 3.10 nodes on loopback, started as the calling user the way
//   tests/support/rabbitmq_cluster.* does it (each its own RABBITMQ_NODENAME, distribution and MQTT
//   port, config, plugins file, data and log folders; a shared .erlang.cookie in a private $HOME;
//   an epmd of its own on a free port), nodes 2 and 3 joined to node 1 (`rabbitmqctl
//   join_cluster`), `mqtt.durable_queue_type = quorum` as docs/operations.md asks. Gateway g's
//   `broker.uris` start at node g mod 3 (the gateways spread over the nodes), the OMS is on node 3.
//
// Every process is its own process group (ChildProcess); CPU is summed over each group (a RabbitMQ
// node is a script, beam.smp and helpers). kill_node() ends a whole group with SIGKILL, as a crash.
// start() blocks (set-up only, ~45 s for the cluster); everything else is quick. Main thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tools/fleet-bench/options.hpp"
#include "tools/station-bench/child_process.hpp"
#include "tools/station-bench/proc_stats.hpp"

namespace wedge::fleet_bench {

class BenchBroker {
 public:
  BenchBroker(BrokerKind kind, const FleetOptions& options, std::string dir);
  ~BenchBroker();
  BenchBroker(const BenchBroker&) = delete;
  BenchBroker& operator=(const BenchBroker&) = delete;

  // Starts every node and waits until each takes MQTT connections (the cluster formed). "" or why not.
  [[nodiscard]] std::string start();
  void stop();
  BrokerKind kind() const { return kind_; }
  int nodes() const { return static_cast<int>(nodes_.size()); }
  // The `broker:` entries of gateway g's configuration (uri, or uris from node g mod nodes()).
  [[nodiscard]] std::string gateway_yaml(int gateway) const;
  int gateway_node(int gateway) const { return gateway % nodes(); }
  int oms_node() const { return nodes() - 1; }
  [[nodiscard]] std::string paho_uri(int node) const;
  [[nodiscard]] std::string describe() const;
  // SIGKILL to node i's process group; its CPU up to now still counts in cpu_ticks_since_mark().
  void kill_node(int node);
  bool killed(int node) const { return nodes_.at(static_cast<std::size_t>(node)).killed; }
  // False with the reason when a node that was not killed has exited.
  [[nodiscard]] bool alive(std::string& why);
  void mark_cpu();
  // CPU ticks of each node since mark_cpu() (a killed node: up to its kill).
  [[nodiscard]] std::vector<std::int64_t> cpu_ticks_since_mark();

 private:
  struct Node {
    std::string name;
    int mqtt_port = 0;
    int dist_port = 0;
    std::string dir;
    std::unique_ptr<station_bench::ChildProcess> process;
    bool killed = false;
    station_bench::CpuTicks mark;
    station_bench::CpuTicks last;  // the last reading (a killed node's, at its kill)
  };
  [[nodiscard]] std::string start_mosquitto();
  [[nodiscard]] std::string start_cluster();
  [[nodiscard]] std::string form_cluster();
  [[nodiscard]] std::vector<std::string> node_env(const Node& node) const;
  // rabbitmqctl -n <node> args…, waited for (up to 120 s). "" or why it failed, with its output.
  [[nodiscard]] std::string ctl(int node, const std::vector<std::string>& args);
  [[nodiscard]] std::string node_log(int node) const;
  station_bench::CpuTicks read_node(Node& node);

  BrokerKind kind_;
  FleetOptions options_;
  std::string dir_;
  int epmd_port_ = 0;
  station_bench::ChildProcess epmd_;
  std::vector<Node> nodes_;
  int ctl_runs_ = 0;
};

// A TCP port on 127.0.0.1 for a child to bind: free a moment ago, and below the kernel's ephemeral
// range (ip_local_port_range, 32768.. by default), so that no outgoing connection of the bench, the
// gateways or another program on the machine takes it before the child binds it. Each call gives
// another port (from a start that depends on the process id).
[[nodiscard]] int unused_loopback_port();
// A connection to 127.0.0.1:port succeeds.
[[nodiscard]] bool loopback_port_open(int port);
// Polls `ready` every 50 ms up to `timeout` (set-up only: blocks the calling thread).
[[nodiscard]] bool poll_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout);

}  // namespace wedge::fleet_bench
