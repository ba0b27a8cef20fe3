#include "tools/fleet-bench/broker.hpp"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace wedge::fleet_bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr int kClusterNodes = 3;

std::string write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  return out ? std::string() : "cannot write " + path;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string last_lines(const std::string& text, std::size_t count) {
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= count && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

}  // namespace

int unused_loopback_port() {
  constexpr int kFirst = 20000, kSpan = 12000;  // 20000..31999
  static int next = kFirst + static_cast<int>(::getpid() % 100) * 100;
  asio::io_context io;
  for (int tries = 0; tries < kSpan; ++tries) {
    const int port = kFirst + (next++ - kFirst) % kSpan;
    tcp::acceptor probe(io);
    boost::system::error_code ec;
    probe.open(tcp::v4(), ec);
    if (!ec) probe.bind(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port)), ec);
    if (!ec) return port;
  }
  throw std::runtime_error("no free loopback port in 20000..31999");
}

bool loopback_port_open(int port) {
  asio::io_context io;
  tcp::socket s(io);
  boost::system::error_code ec;
  s.connect(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  return !ec;
}

bool poll_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

BenchBroker::BenchBroker(BrokerKind kind, const FleetOptions& options, std::string dir)
    : kind_(kind), options_(options), dir_(std::move(dir)) {}

BenchBroker::~BenchBroker() { stop(); }

std::string BenchBroker::start() {
  std::filesystem::create_directories(dir_);
  return kind_ == BrokerKind::mosquitto ? start_mosquitto() : start_cluster();
}

std::string BenchBroker::start_mosquitto() {
  Node node;
  node.name = "mosquitto";
  node.mqtt_port = unused_loopback_port();
  node.dir = dir_;
  node.process = std::make_unique<station_bench::ChildProcess>();
  const passwd* pw = ::getpwuid(::geteuid());
  // Started as root, mosquitto would drop to the user "mosquitto", who cannot write into our
  // private directory: stay who we are. Nagle off, as the deployment's broker must.
  if (auto error = write_text(dir_ + "/mosquitto.conf",
                              fmt::format("user {}\nlistener {} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                                          "max_queued_messages 0\nmax_inflight_messages 0\nset_tcp_nodelay true\n"
                                          "log_dest file {}/mosquitto.log\n",
                                          pw ? pw->pw_name : "root", node.mqtt_port, dir_));
      !error.empty())
    return error;
  if (auto error = node.process->start({options_.mosquitto, "-c", dir_ + "/mosquitto.conf"}, dir_ + "/server.log");
      !error.empty())
    return error;
  nodes_.push_back(std::move(node));
  if (!poll_until([&] { return loopback_port_open(nodes_[0].mqtt_port) || !nodes_[0].process->running(); }, 10s) ||
      !nodes_[0].process->running())
    return "mosquitto did not start:\n" + last_lines(read_text(dir_ + "/mosquitto.log"), 20);
  return {};
}

std::vector<std::string> BenchBroker::node_env(const Node& node) const {
  return {"HOME=" + dir_ + "/home",
          "ERL_EPMD_PORT=" + std::to_string(epmd_port_),
          "RABBITMQ_NODENAME=" + node.name,
          "RABBITMQ_DIST_PORT=" + std::to_string(node.dist_port),
          "RABBITMQ_CONFIG_FILE=" + node.dir + "/rabbitmq.conf",
          "RABBITMQ_ENABLED_PLUGINS_FILE=" + node.dir + "/enabled_plugins",
          "RABBITMQ_MNESIA_BASE=" + node.dir + "/mnesia",
          "RABBITMQ_LOG_BASE=" + node.dir + "/log",
          "RABBITMQ_PID_FILE=" + node.dir + "/rabbitmq.pid"};
}

std::string BenchBroker::start_cluster() {
  const std::string home = dir_ + "/home";
  std::filesystem::create_directories(home);
  if (auto error = write_text(home + "/.erlang.cookie", "WEDGEFLEETBENCHCOOKIE"); !error.empty()) return error;
  ::chmod((home + "/.erlang.cookie").c_str(), 0400);  // Erlang refuses a cookie others can read
  epmd_port_ = unused_loopback_port();
  if (auto error = epmd_.start({options_.epmd, "-port", std::to_string(epmd_port_)}, dir_ + "/epmd.log");
      !error.empty())
    return "epmd: " + error;
  if (!poll_until([&] { return loopback_port_open(epmd_port_); }, 10s)) return "epmd did not start";
  // The port in the node names: two clusters on one machine never share a name.
  for (int i = 0; i < kClusterNodes; ++i) {
    Node node;
    node.name = fmt::format("fleet{}-{}@localhost", i + 1, epmd_port_);
    node.mqtt_port = unused_loopback_port();
    node.dist_port = unused_loopback_port();
    node.dir = fmt::format("{}/node{}", dir_, i + 1);
    std::filesystem::create_directories(node.dir);
    if (auto error = write_text(node.dir + "/rabbitmq.conf",
                                fmt::format("listeners.tcp = none\nmqtt.listeners.tcp.default = 127.0.0.1:{}\n"
                                            "mqtt.allow_anonymous = true\nmqtt.durable_queue_type = quorum\n"
                                            "log.console = true\nlog.console.level = warning\nlog.file = false\n{}",
                                            node.mqtt_port,
                                            options_.rabbitmq_prefetch
                                                ? fmt::format("mqtt.prefetch = {}\n", *options_.rabbitmq_prefetch)
                                                : std::string()));
        !error.empty())
      return error;
    if (auto error = write_text(node.dir + "/enabled_plugins", "[rabbitmq_mqtt].\n"); !error.empty()) return error;
    node.process = std::make_unique<station_bench::ChildProcess>();
    nodes_.push_back(std::move(node));
  }
  for (auto& node : nodes_)  // they boot in parallel
    if (auto error = node.process->start({options_.rabbitmq_bin + "/rabbitmq-server"}, node.dir + "/server.log",
                                         node_env(node));
        !error.empty())
      return node.name + ": " + error;
  return form_cluster();
}

std::string BenchBroker::form_cluster() {
  for (int i = 0; i < nodes(); ++i) {
    auto& node = nodes_[static_cast<std::size_t>(i)];
    // rabbitmqctl gives up at once on a node epmd does not know yet: wait for its distribution port.
    if (!poll_until([&] { return loopback_port_open(node.dist_port) || !node.process->running(); }, 90s) ||
        !node.process->running())
      return node.name + " did not start:\n" + node_log(i);
    if (auto error = ctl(i, {"await_startup"}); !error.empty()) return error;
    if (!poll_until([&] { return loopback_port_open(node.mqtt_port); }, 30s))
      return node.name + ": MQTT listener not open:\n" + node_log(i);
  }
  for (int i = 1; i < nodes(); ++i) {
    for (const std::vector<std::string>& step : {std::vector<std::string>{"stop_app"},
                                                 std::vector<std::string>{"join_cluster", nodes_[0].name},
                                                 std::vector<std::string>{"start_app"}})
      if (auto error = ctl(i, step); !error.empty()) return error;
    if (!poll_until([&] { return loopback_port_open(nodes_[static_cast<std::size_t>(i)].mqtt_port); }, 30s))
      return nodes_[static_cast<std::size_t>(i)].name + ": MQTT listener not open after the join:\n" + node_log(i);
  }
  return {};
}

std::string BenchBroker::ctl(int node, const std::vector<std::string>& args) {
  const auto& n = nodes_.at(static_cast<std::size_t>(node));
  std::vector<std::string> argv = {options_.rabbitmq_bin + "/rabbitmqctl", "-n", n.name};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log = fmt::format("{}/ctl-{}.log", dir_, ++ctl_runs_);
  station_bench::ChildProcess command;
  if (auto error = command.start(argv, log, node_env(n)); !error.empty()) return "rabbitmqctl: " + error;
  const bool finished = poll_until([&] { return !command.running(); }, 120s);
  const int status = finished ? command.exit_status().value_or(-1) : command.stop(2s);
  if (finished && WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  std::string all;
  for (const auto& a : args) all += " " + a;
  return "rabbitmqctl -n " + n.name + all + " " + (finished ? station_bench::describe_status(status) : "timed out") +
         ":\n" + read_text(log) + node_log(node);
}

std::string BenchBroker::node_log(int node) const {
  return last_lines(read_text(nodes_.at(static_cast<std::size_t>(node)).dir + "/server.log"), 30);
}

void BenchBroker::stop() {
  for (auto& node : nodes_) {
    if (!node.process || node.process->pid() <= 0 || !node.process->running()) continue;
    // A RabbitMQ node is a script that runs beam.smp as a child: the whole group goes. The state
    // is the run's own, so there is nothing to stop gracefully for.
    if (kind_ == BrokerKind::cluster) ::kill(-node.process->pid(), SIGKILL);
    (void)node.process->stop(2s);
  }
  if (epmd_.pid() > 0 && epmd_.running()) (void)epmd_.stop(2s);
}

std::string BenchBroker::gateway_yaml(int gateway) const {
  const auto uri = [&](int node) { return fmt::format("mqtt://127.0.0.1:{}", nodes_[static_cast<std::size_t>(node)].mqtt_port); };
  if (kind_ == BrokerKind::mosquitto)
    return fmt::format("broker:\n  uri: {}\n  reconnect_min_ms: 100\n  reconnect_max_ms: 1000\n", uri(0));
  std::string uris;
  for (int k = 0; k < nodes(); ++k) uris += (k == 0 ? "" : ", ") + uri((gateway_node(gateway) + k) % nodes());
  // RabbitMQ 3.10 speaks MQTT 3.1.1 only; a short keep-alive and back-off, as the cluster test uses,
  // so that a gateway notices a dead node and moves within seconds.
  return fmt::format("broker:\n  uris: [{}]\n  mqtt_version: \"3.1.1\"\n  keepalive_s: 5\n  connect_timeout_s: 3\n"
                     "  reconnect_min_ms: 100\n  reconnect_max_ms: 500\n",
                     uris);
}

std::string BenchBroker::paho_uri(int node) const {
  return fmt::format("tcp://127.0.0.1:{}", nodes_.at(static_cast<std::size_t>(node)).mqtt_port);
}

std::string BenchBroker::describe() const {
  if (kind_ == BrokerKind::mosquitto) return fmt::format("mosquitto on 127.0.0.1:{}", nodes_.at(0).mqtt_port);
  std::string ports;
  for (const auto& n : nodes_) ports += (ports.empty() ? "" : ", ") + std::to_string(n.mqtt_port);
  return "RabbitMQ cluster of 3 nodes (rabbitmq_mqtt, quorum session queues), MQTT on 127.0.0.1:" + ports;
}

void BenchBroker::kill_node(int node) {
  auto& n = nodes_.at(static_cast<std::size_t>(node));
  (void)read_node(n);
  n.killed = true;
  ::kill(-n.process->pid(), SIGKILL);
  (void)n.process->stop(2s);
}

bool BenchBroker::alive(std::string& why) {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    auto& n = nodes_[i];
    if (n.killed || n.process->running()) continue;
    why = n.name + " " + station_bench::describe_status(n.process->exit_status().value_or(-1)) + "; its log:\n" +
          node_log(static_cast<int>(i));
    return false;
  }
  return true;
}

station_bench::CpuTicks BenchBroker::read_node(Node& node) {
  if (!node.killed && node.process && node.process->pid() > 0)
    if (const auto ticks = station_bench::read_group_cpu_ticks(node.process->pid())) node.last = *ticks;
  return node.last;
}

void BenchBroker::mark_cpu() {
  for (auto& n : nodes_) n.mark = read_node(n);
}

std::vector<std::int64_t> BenchBroker::cpu_ticks_since_mark() {
  std::vector<std::int64_t> ticks;
  for (auto& n : nodes_) ticks.push_back(read_node(n).total() - n.mark.total());
  return ticks;
}

}  // namespace wedge::fleet_bench
