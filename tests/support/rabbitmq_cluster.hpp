// A real clustered MQTT broker for integration tests: Debian 12's RabbitMQ 3.10 with the
// rabbitmq_mqtt plugin (MQTT 3.1.1 only), as a cluster of `nodes` nodes on loopback.
//
// The constructor starts every node as the calling user (/usr/lib/rabbitmq/bin/rabbitmq-server,
// not the /usr/sbin wrapper, which switches to the rabbitmq user) with its own node name, Erlang
// distribution port, MQTT port, config, enabled-plugins file and data and log folders under a
// temporary directory; a shared .erlang.cookie lives in a temporary $HOME; an epmd of the cluster's
// own listens on a free port (ERL_EPMD_PORT), so nothing collides with another cluster or a system
// RabbitMQ on 4369. Then nodes 2.. join node 1 (`rabbitmqctl join_cluster`). Non-clean MQTT
// sessions get quorum queues (mqtt.durable_queue_type = quorum), replicated on the nodes, so a
// session and its queued messages survive the loss of one node. Starting takes ~30-45 s on two
// cores: start one cluster per test binary (SetUpTestSuite) and share it.
//
// kill(i) ends node i with SIGKILL (its whole process group) (a crash; its peers notice at once, the TCP connections of its
// clients break). The destructor kills whatever it started (also when a test failed) and prints the
// node logs to stderr when the test has failed. Throws std::runtime_error, with the logs, when a
// node does not come up or the join fails.
// Used from the test's main thread only.
#pragma once

#include "tests/support/process.hpp"

#include <memory>
#include <string>
#include <vector>

namespace wedge::test {

class RabbitMqCluster {
 public:
  explicit RabbitMqCluster(int nodes = 3);
  ~RabbitMqCluster();
  RabbitMqCluster(const RabbitMqCluster&) = delete;
  RabbitMqCluster& operator=(const RabbitMqCluster&) = delete;

  int size() const { return static_cast<int>(nodes_.size()); }
  int mqtt_port(int node) const;
  std::string uri(int node) const;       // mqtt://127.0.0.1:<port>
  std::string paho_uri(int node) const;  // tcp://127.0.0.1:<port>
  std::string node_name(int node) const;
  // broker.uris starting at `first` and wrapping, "[mqtt://…, mqtt://…, …]" for a YAML config.
  std::string uris_yaml(int first) const;
  bool running(int node) const;
  void kill(int node);  // SIGKILL
  // rabbitmqctl <args> against `node`; its output, or throws std::runtime_error when it fails.
  std::string ctl(int node, const std::vector<std::string>& args) const;
  std::string log(int node) const;

 private:
  struct Node {
    std::string name;
    int mqtt_port = 0;
    int dist_port = 0;
    std::string dir;
    std::unique_ptr<Subprocess> process;
  };
  std::vector<std::string> env(const Node& node) const;
  void start_node(Node& node);
  void form_cluster();  // waits for every node, then joins nodes 2.. to node 1

  TempDir dir_;
  int epmd_port_ = 0;
  std::unique_ptr<Subprocess> epmd_;
  std::vector<Node> nodes_;
};

}  // namespace wedge::test
