#include "tests/support/rabbitmq_cluster.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace wedge::test {

namespace {

constexpr const char* kServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";
constexpr const char* kCtl = "/usr/lib/rabbitmq/bin/rabbitmqctl";
constexpr auto kCtlTimeout = std::chrono::seconds(120);

}  // namespace

RabbitMqCluster::RabbitMqCluster(int nodes) : epmd_port_(free_tcp_port()) {
  const std::string home = dir_.file("home");
  std::filesystem::create_directories(home);
  write_file(home + "/.erlang.cookie", "WEDGETESTCLUSTERCOOKIE");
  ::chmod((home + "/.erlang.cookie").c_str(), 0400);  // Erlang refuses a cookie others can read
  // The cluster's own epmd, in the foreground so that it is ours to stop.
  epmd_ = std::make_unique<Subprocess>(std::vector<std::string>{"epmd", "-port", std::to_string(epmd_port_)},
                                       dir_.file("epmd.log"));
  if (!wait_until([&] { return tcp_port_open(epmd_port_); }, std::chrono::seconds(10)))
    throw std::runtime_error("epmd did not start:\n" + epmd_->log());
  // A random part in the node names: two clusters of one machine never share a name.
  const std::string tag = std::to_string(epmd_port_);
  for (int i = 0; i < nodes; ++i) {
    Node node;
    node.name = "wedge" + std::to_string(i + 1) + "-" + tag + "@localhost";
    node.mqtt_port = free_tcp_port();
    node.dist_port = free_tcp_port();
    node.dir = dir_.file("node" + std::to_string(i + 1));
    std::filesystem::create_directories(node.dir);
    write_file(node.dir + "/rabbitmq.conf",
               "listeners.tcp = none\n"
               "mqtt.listeners.tcp.default = 127.0.0.1:" + std::to_string(node.mqtt_port) + "\n"
               "mqtt.allow_anonymous = true\n"
               "mqtt.durable_queue_type = quorum\n"
               "log.console = true\nlog.console.level = info\nlog.file = false\n");
    write_file(node.dir + "/enabled_plugins", "[rabbitmq_mqtt].\n");
    nodes_.push_back(std::move(node));
  }
  for (auto& node : nodes_) start_node(node);  // they boot in parallel
  // From here on a throw skips the destructor: stop what runs first.
  try {
    form_cluster();
  } catch (...) {
    for (int i = 0; i < size(); ++i) kill(i);
    throw;
  }
}

void RabbitMqCluster::form_cluster() {
  for (int i = 0; i < size(); ++i) {
    // rabbitmqctl gives up at once on a node epmd does not know yet: wait for its distribution port.
    if (!wait_until([&] { return tcp_port_open(nodes_[static_cast<std::size_t>(i)].dist_port); }, std::chrono::seconds(60)))
      throw std::runtime_error(node_name(i) + ": did not start:\n" + log(i));
    (void)ctl(i, {"await_startup"});
    if (!wait_until([&] { return tcp_port_open(nodes_[static_cast<std::size_t>(i)].mqtt_port); }, std::chrono::seconds(30)))
      throw std::runtime_error(node_name(i) + ": MQTT listener not open:\n" + log(i));
  }
  for (int i = 1; i < size(); ++i) {
    (void)ctl(i, {"stop_app"});
    (void)ctl(i, {"join_cluster", node_name(0)});
    (void)ctl(i, {"start_app"});
    if (!wait_until([&] { return tcp_port_open(nodes_[static_cast<std::size_t>(i)].mqtt_port); }, std::chrono::seconds(30)))
      throw std::runtime_error(node_name(i) + ": MQTT listener not open after the join:\n" + log(i));
  }
}

RabbitMqCluster::~RabbitMqCluster() {
  const bool failed = ::testing::Test::HasFailure();
  for (int i = 0; i < size(); ++i) {
    if (failed) std::cerr << "----- " << node_name(i) << " log -----\n" << log(i) << "----- end -----\n";
    kill(i);
  }
  if (epmd_) {
    epmd_->signal(SIGKILL);
    (void)epmd_->wait(std::chrono::seconds(5));
  }
}

std::vector<std::string> RabbitMqCluster::env(const Node& node) const {
  return {"HOME=" + dir_.file("home"),
          "ERL_EPMD_PORT=" + std::to_string(epmd_port_),
          "RABBITMQ_NODENAME=" + node.name,
          "RABBITMQ_DIST_PORT=" + std::to_string(node.dist_port),
          "RABBITMQ_CONFIG_FILE=" + node.dir + "/rabbitmq.conf",
          "RABBITMQ_ENABLED_PLUGINS_FILE=" + node.dir + "/enabled_plugins",
          "RABBITMQ_MNESIA_BASE=" + node.dir + "/mnesia",
          "RABBITMQ_LOG_BASE=" + node.dir + "/log",
          "RABBITMQ_PID_FILE=" + node.dir + "/rabbitmq.pid"};
}

void RabbitMqCluster::start_node(Node& node) {
  node.process = std::make_unique<Subprocess>(std::vector<std::string>{kServer}, node.dir + "/server.log", env(node));
}

int RabbitMqCluster::mqtt_port(int node) const { return nodes_.at(static_cast<std::size_t>(node)).mqtt_port; }
std::string RabbitMqCluster::uri(int node) const { return "mqtt://127.0.0.1:" + std::to_string(mqtt_port(node)); }
std::string RabbitMqCluster::paho_uri(int node) const { return "tcp://127.0.0.1:" + std::to_string(mqtt_port(node)); }
std::string RabbitMqCluster::node_name(int node) const { return nodes_.at(static_cast<std::size_t>(node)).name; }

std::string RabbitMqCluster::uris_yaml(int first) const {
  std::string out = "[";
  for (int k = 0; k < size(); ++k) out += (k == 0 ? "" : ", ") + uri((first + k) % size());
  return out + "]";
}

bool RabbitMqCluster::running(int node) const {
  const auto& process = nodes_.at(static_cast<std::size_t>(node)).process;
  return process != nullptr && process->running();
}

void RabbitMqCluster::kill(int node) {
  auto& process = nodes_.at(static_cast<std::size_t>(node)).process;
  if (!process) return;
  // rabbitmq-server runs the node's beam.smp as a background child and only waits for it (to
  // trap signals), so SIGKILL to the script alone would leave the node running. The script leads
  // its own process group (Subprocess), which holds the beam and its helpers: kill all of it.
  if (process->running()) ::kill(-process->pid(), SIGKILL);
  (void)process->wait(std::chrono::seconds(10));
}

std::string RabbitMqCluster::ctl(int node, const std::vector<std::string>& args) const {
  const Node& n = nodes_.at(static_cast<std::size_t>(node));
  std::vector<std::string> argv = {kCtl, "-n", n.name};
  argv.insert(argv.end(), args.begin(), args.end());
  static int count = 0;
  Subprocess command(argv, dir_.file("ctl-" + std::to_string(++count) + ".log"), env(n));
  const int status = command.wait(kCtlTimeout);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string all;
    for (const auto& a : args) all += " " + a;
    throw std::runtime_error("rabbitmqctl -n " + n.name + all + " failed:\n" + command.log() + "\n" + log(node));
  }
  return command.log();
}

std::string RabbitMqCluster::log(int node) const {
  return read_file(nodes_.at(static_cast<std::size_t>(node)).dir + "/server.log");
}

}  // namespace wedge::test
