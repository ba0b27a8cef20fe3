#include "tools/scan-bench/scan_run.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "tools/station-bench/child_process.hpp"
#include "tools/station-bench/clock.hpp"
#include "tools/station-bench/latency_samples.hpp"
#include "tools/station-bench/loopback.hpp"
#include "tools/station-bench/mqtt_observer.hpp"
#include "tools/station-bench/proc_stats.hpp"
#include "tools/station-bench/scan_plan.hpp"
#include "tools/station-bench/scanner_endpoint.hpp"

namespace wedge::scan_bench {

namespace json = boost::json;
namespace sb = station_bench;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kAim = "]C1";
// The gateway id of the compared build (--compare): its topics differ from the first gateway's.
constexpr const char* kCompareGateway = "gw2";

// One message at the subscriber: the scan it names and when it arrived.
struct Arrival {
  std::string code;
  std::int64_t ns = 0;
};

// What the subscriber has seen. Written on the io_context thread, read by the flow: under `mutex`.
// What one gateway (wedge, or the compared build) has said.
struct GatewayReceipts {
  bool online = false;
  std::set<std::string> accepted;  // command ids
  std::vector<std::string> rejected;
  bool picking = false;
  std::vector<Arrival> arrivals;
};

struct Receipts {
  std::mutex mutex;
  // In arrival order, per side: one TCP connection, one thread, one MQTT session each, so the k-th
  // arrival answers the k-th scan (checked by its code).
  std::vector<Arrival> bridge;
  GatewayReceipts wedge, compare;
  std::map<std::string, std::size_t> refused;  // scan.refused by reason, either gateway
};

std::string_view string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

void on_gateway_message(Receipts& r, GatewayReceipts& g, std::string_view tail, const json::object& o,
                        std::int64_t received_ns) {
  if (tail == "/status") {
    const auto* online = o.if_contains("online");
    g.online = online && online->is_bool() && online->as_bool();
  } else if (tail == "/ack") {
    if (string_at(o, "status") == "accepted") g.accepted.insert(std::string(string_at(o, "command_id")));
    else g.rejected.push_back(std::string(string_at(o, "command_id")) + ": " + std::string(string_at(o, "reason")));
  } else {
    const auto type = string_at(o, "type");
    const auto* data = o.if_contains("data");
    if (type == "pick.started") g.picking = true;
    if ((type != "pick.item_picked" && type != "scan.refused") || !data || !data->is_object()) return;
    if (type == "scan.refused") ++r.refused[std::string(string_at(data->as_object(), "reason"))];
    g.arrivals.push_back({std::string(string_at(data->as_object(), "barcode")), received_ns});
  }
}

void on_message(Receipts& r, const std::string& base, const std::string& compare_base, const std::string& topic,
                const std::string& payload, std::int64_t received_ns) {
  boost::system::error_code ec;
  const auto doc = json::parse(payload, ec);
  if (ec || !doc.is_object()) return;
  const auto& o = doc.as_object();
  std::lock_guard lock(r.mutex);
  if (topic.find("/station/bridge/event/") != std::string::npos) {
    auto line = string_at(o, "line");
    if (line.starts_with(kAim)) line.remove_prefix(kAim.size());
    r.bridge.push_back({std::string(line), received_ns});
  } else if (topic.starts_with(compare_base + "/")) {
    on_gateway_message(r, r.compare, std::string_view(topic).substr(compare_base.size()), o, received_ns);
  } else if (topic.starts_with(base + "/")) {
    on_gateway_message(r, r.wedge, std::string_view(topic).substr(base.size()), o, received_ns);
  }
}

// The children of one run; stopped in reverse order of their start on every way out.
struct Children {
  sb::ChildProcess broker, bridge, daemon, compare;
  ~Children() {
    if (compare.pid() > 0) compare.stop(6s);
    if (daemon.pid() > 0) daemon.stop(6s);  // the daemon promises to stop within 5 s
    if (bridge.pid() > 0) bridge.stop(2s);
    if (broker.pid() > 0) broker.stop(2s);
  }
  void check(const std::string& work_dir) {
    for (auto [child, name, log] : {std::tuple{&broker, "mosquitto", "mosquitto.log"}, std::tuple{&bridge, "the bridge", "bridge.log"},
                                    std::tuple{&daemon, "the daemon", "wedge.log"},
                                    std::tuple{&compare, "the compared daemon", "compare.log"}})
      if (child->pid() > 0 && !child->running())
        throw std::runtime_error(fmt::format("{} {} (see {}/{})", name, sb::describe_status(child->exit_status().value_or(-1)),
                                             work_dir, log));
  }
};

// An io_context on a thread of its own for the subscriber's handler; joined on destruction.
struct LoopThread {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~LoopThread() {
    guard.reset();
    io.stop();
    thread.join();
  }
};

// The scanner's TCP connection to 127.0.0.1:port (retried while nobody listens yet), Nagle off.
int connect_scanner(int port, std::chrono::seconds timeout, Children& children, const std::string& work_dir) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (;;) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }
    if (fd >= 0) ::close(fd);
    children.check(work_dir);
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error(fmt::format("nobody accepts on 127.0.0.1:{}", port));
    std::this_thread::sleep_for(20ms);
  }
}

// Polls `ready` (under the receipts' mutex) every 20 ms until it holds or `timeout` passes.
bool wait_for(Receipts& r, const std::function<bool()>& ready, std::chrono::milliseconds timeout, Children& children,
              const std::string& work_dir) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard lock(r.mutex);
      if (ready()) return true;
    }
    children.check(work_dir);
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

struct Target {
  Side side;
  int fd;
  pid_t pid;
};

// One round: `scans` scans to one side at `rate`, every receipt awaited (up to the drain timeout).
RoundResult run_round(const RunOptions& o, const sb::StationPlan& plan, const Target& target, int pair, int scans,
                      Receipts& receipts, Children& children) {
  RoundResult round;
  round.side = target.side;
  round.pair = pair;
  // GTIN-only item scans (AI 01), the lines in turn. Not with a serial (AI 21) each: the station
  // keeps an order's serials in its record, which it saves per scan, so 6,000 serials in one order
  // made every scan dearer than the one before (885 -> 1,820 us of CPU per scan over three rounds).
  std::vector<std::string> codes;
  codes.reserve(static_cast<std::size_t>(scans));
  for (int i = 0; i < scans; ++i) codes.push_back("01" + plan.gtins[static_cast<std::size_t>(i) % plan.gtins.size()]);
  auto& arrivals = target.side == Side::bridge    ? receipts.bridge
                   : target.side == Side::wedge ? receipts.wedge.arrivals
                                                : receipts.compare.arrivals;
  std::size_t first = 0;
  {
    std::lock_guard lock(receipts.mutex);
    first = arrivals.size();
  }
  std::vector<std::int64_t> sent(codes.size(), -1);
  const auto period_ns = static_cast<std::int64_t>(1e9 / o.rate);
  const auto cpu_start = sb::read_cpu_ticks(target.pid);
  const auto threads_start = read_thread_ticks(target.pid);
  const std::int64_t start_ns = sb::mono_ns() + 20'000'000;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    sb::sleep_until_ns(start_ns + static_cast<std::int64_t>(i) * period_ns);
    const std::string bytes = std::string(kAim) + codes[i] + "\r";
    const std::int64_t t = sb::mono_ns();
    if (::write(target.fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()))
      throw std::runtime_error(std::string("scanner write: ") + std::strerror(errno));
    sent[i] = t;
  }
  const auto all_in = [&] { return arrivals.size() >= first + codes.size(); };
  wait_for(receipts, all_in, std::chrono::milliseconds(static_cast<std::int64_t>(o.drain_timeout_s * 1000)), children,
           o.work_dir);
  const auto cpu_end = sb::read_cpu_ticks(target.pid);
  round.threads = minus(read_thread_ticks(target.pid), threads_start);
  if (!cpu_start || !cpu_end) throw std::runtime_error("cannot read /proc/<pid>/stat");
  round.cpu_ticks = cpu_end->total() - cpu_start->total();
  round.load = sb::load_average();
  sb::LatencySamples latency;
  std::int64_t last_ns = start_ns;
  {
    std::lock_guard lock(receipts.mutex);
    for (std::size_t i = 0; i < codes.size() && first + i < arrivals.size(); ++i) {
      const auto& arrival = arrivals[first + i];
      if (arrival.code != codes[i]) ++round.mismatched;
      latency.add(arrival.ns - sent[i]);
      last_ns = std::max(last_ns, arrival.ns);
    }
  }
  round.sent = codes.size();
  round.received = latency.count();
  round.p50_ms = latency.percentile_ms(50);
  round.p99_ms = latency.percentile_ms(99);
  round.max_ms = latency.max_ms();
  round.seconds = static_cast<double>(last_ns - start_ns) / 1e9;
  return round;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

const char* side_name(Side side) {
  switch (side) {
    case Side::bridge: return "bridge";
    case Side::wedge: return "wedge";
    case Side::compare: return "compare";
  }
  return "?";
}

RunResult run_scan_bench(const RunOptions& o) {
  RunResult result;
  result.ticks_per_s = sb::clock_ticks_per_second();
  result.load_start = sb::load_average();
  const auto file = [&](const std::string& name) { return o.work_dir + "/" + name; };
  std::filesystem::create_directories(file("bridge"));
  std::filesystem::create_directories(file("state"));
  Children children;
  const int broker_port = sb::free_loopback_port();
  write_file(file("mosquitto.conf"), sb::mosquitto_conf(broker_port, file("mosquitto.log")));
  if (auto error = children.broker.start({o.mosquitto, "-c", file("mosquitto.conf")}, file("mosquitto.out")); !error.empty())
    throw std::runtime_error("mosquitto: " + error);
  Receipts receipts;
  const auto never = [] { return false; };
  for (int i = 0; i < 500 && !sb::loopback_port_open(broker_port); ++i) wait_for(receipts, never, 20ms, children, o.work_dir);

  LoopThread loop;
  const std::string base = sb::topic_base();
  const std::string compare_base = sb::topic_base(kCompareGateway);
  sb::MqttObserver observer(loop.io.get_executor(), fmt::format("tcp://127.0.0.1:{}", broker_port),
                            [&](const std::string& topic, const std::string& payload, std::int64_t t) {
                              on_message(receipts, base, compare_base, topic, payload, t);
                            });
  std::vector<std::string> filters{base + "/status", base + "/ack", base + "/station/+/event/#"};
  if (!o.compare.empty())
    filters.insert(filters.end(), {compare_base + "/status", compare_base + "/ack", compare_base + "/station/+/event/#"});
  if (auto error = observer.connect(filters, 10s); !error.empty()) throw std::runtime_error("MQTT subscriber: " + error);

  const int bridge_port = sb::free_loopback_port();
  const std::string broker_uri = fmt::format("mqtt://127.0.0.1:{}", broker_port);
  if (auto error = children.bridge.start({o.self, "bridge", "--port", std::to_string(bridge_port), "--uri", broker_uri, "--db",
                                          file("bridge/bridge.db"), "--topic-prefix", base},
                                         file("bridge.log"));
      !error.empty())
    throw std::runtime_error("bridge: " + error);

  // One station, its scanner on TCP in listen mode; lines long enough for every round's scans.
  sb::Options plan_options;
  plan_options.stations = 1;
  plan_options.scans_per_s = o.rate;
  plan_options.duration_s = (o.pairs * o.scans + o.warmup) / o.rate;
  auto plans = sb::make_plans(plan_options);
  plans.front().kind = sb::ScannerKind::tcp_listen;
  const auto& plan = plans.front();
  // Each gateway: its own state dir, HTTP port and scanner port, the same station and order.
  struct Gateway {
    const char* name;
    std::string binary, gateway, dir, config, log, base;
    sb::ChildProcess* child;
    GatewayReceipts* receipts;
    int scanner_port = 0;
    int fd = -1;
  };
  std::vector<Gateway> gateways{{"the gateway", o.wedge, "", file("state"), file("wedge.yaml"), file("wedge.log"), base,
                                 &children.daemon, &receipts.wedge}};
  if (!o.compare.empty())
    gateways.push_back({"the compared gateway", o.compare, kCompareGateway, file("compare-state"), file("compare.yaml"),
                        file("compare.log"), compare_base, &children.compare, &receipts.compare});
  boost::asio::io_context unused;  // the endpoint only picks the port and writes the device entry
  for (auto& g : gateways) {
    std::filesystem::create_directories(g.dir);
    sb::ScannerEndpoint endpoint(unused.get_executor(), plan.device_id, sb::ScannerKind::tcp_listen);
    if (auto error = endpoint.prepare(); !error.empty()) throw std::runtime_error(error);
    g.scanner_port = endpoint.port();
    sb::DaemonConfigInput in;
    in.gateway = g.gateway;
    in.state_dir = g.dir;
    in.broker_port = broker_port;
    in.http_port = sb::free_loopback_port();
    in.log_level = o.log_level;
    in.plans = plans;
    in.device_entries.push_back(endpoint.device_yaml());
    write_file(g.config, sb::daemon_config_yaml(in));
    if (auto error = g.child->start({g.binary, "--config", g.config}, g.log); !error.empty())
      throw std::runtime_error(fmt::format("{}: {}", g.name, error));
  }
  for (auto& g : gateways) {
    if (!wait_for(receipts, [&] { return g.receipts->online; }, 60s, children, o.work_dir))
      throw std::runtime_error(fmt::format("{} did not come online within 60 s", g.name));
  }
  const int bridge_fd = connect_scanner(bridge_port, 30s, children, o.work_dir);
  for (auto& g : gateways) {
    g.fd = connect_scanner(g.scanner_port, 30s, children, o.work_dir);
    // As an OMS must: resent with the same id until answered (the birth can precede the subscription).
    bool picking = false;
    const auto& r = *g.receipts;
    for (int attempt = 0; attempt < 30 && !picking; ++attempt) {
      if (auto error = observer.publish(g.base + "/cmd/pick_list", sb::pick_list_command(plan)); !error.empty())
        throw std::runtime_error("publish the pick list: " + error);
      picking = wait_for(receipts, [&] { return !r.rejected.empty() || (r.picking && r.accepted.contains("bench-" + plan.order_id)); },
                         2s, children, o.work_dir);
    }
    if (!r.rejected.empty()) throw std::runtime_error("pick list rejected: " + r.rejected.front());
    if (!picking) throw std::runtime_error(fmt::format("the station of {} did not start picking within 60 s", g.name));
  }

  std::vector<Target> sides{{Side::bridge, bridge_fd, children.bridge.pid()},
                            {Side::wedge, gateways[0].fd, children.daemon.pid()}};
  if (!o.compare.empty()) sides.push_back({Side::compare, gateways[1].fd, children.compare.pid()});
  // Warm-up, not measured: first commits, first publishes, caches.
  for (const auto& side : sides) (void)run_round(o, plan, side, 0, o.warmup, receipts, children);

  station_bench::FsyncProbe probe(file("fsync-probe.dat"));
  if (auto error = probe.start(); !error.empty()) std::fprintf(stderr, "scan-bench: fsync probe: %s\n", error.c_str());
  for (int pair = 1; pair <= o.pairs; ++pair) {
    // Odd pairs in order (bridge first), even ones reversed: a drift in the machine's load moves
    // every side alike over two pairs.
    auto order = sides;
    if (pair % 2 == 0) std::reverse(order.begin(), order.end());
    for (const auto& target : order) {
      result.rounds.push_back(run_round(o, plan, target, pair, o.scans, receipts, children));
      const auto& r = result.rounds.back();
      std::printf("  pair %d %-7s  p50 %6.3f ms  p99 %6.3f ms  max %7.3f ms  CPU %5.1f us/scan  (%zu/%zu received)  [load %s]\n",
                  pair, side_name(r.side), r.p50_ms, r.p99_ms, r.max_ms,
                  1e6 * static_cast<double>(r.cpu_ticks) / static_cast<double>(result.ticks_per_s) / static_cast<double>(r.sent),
                  r.received, r.sent, r.load.c_str());
      std::fflush(stdout);
    }
  }
  probe.stop();
  result.fsync = probe.result();
  {
    std::lock_guard lock(receipts.mutex);
    result.refused = receipts.refused;
  }
  result.load_end = sb::load_average();
  ::close(bridge_fd);
  for (const auto& g : gateways) ::close(g.fd);
  observer.disconnect();
  return result;
}

}  // namespace wedge::scan_bench
