#include "tools/fleet-bench/bench.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "tools/station-bench/bench_loop.hpp"
#include "tools/station-bench/clock.hpp"
#include "tools/station-bench/fsync_probe.hpp"
#include "tools/station-bench/proc_stats.hpp"

namespace wedge::fleet_bench {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using station_bench::mono_ns;

namespace {

constexpr auto kStopGrace = 6s;  // the daemon promises to stop within 5 s
constexpr auto kPickListResend = 3s;
constexpr double kKillRowDrainS = 60.0;  // gateways on the dead node resend what was not acknowledged

std::string_view string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

asio::steady_timer::time_point at_ns(std::int64_t ns) {
  // libstdc++'s steady_clock is CLOCK_MONOTONIC: the same time line as mono_ns().
  return asio::steady_timer::time_point(std::chrono::nanoseconds(ns));
}

// wedge/v1/<site>/<gateway>/<rest…>: site, gateway and the rest, or empty views.
struct TopicParts {
  std::string_view site, gateway, rest;
};
TopicParts split_topic(std::string_view topic) {
  constexpr std::string_view kPrefix = "wedge/v1/";
  if (!topic.starts_with(kPrefix)) return {};
  topic.remove_prefix(kPrefix.size());
  const auto a = topic.find('/');
  if (a == std::string_view::npos) return {};
  const auto b = topic.find('/', a + 1);
  if (b == std::string_view::npos) return {};
  return {topic.substr(0, a), topic.substr(a + 1, b - a - 1), topic.substr(b + 1)};
}

double percent(std::int64_t ticks, long ticks_per_s, double seconds) {
  return seconds > 0 ? 100.0 * static_cast<double>(ticks) / static_cast<double>(ticks_per_s) / seconds : 0.0;
}

}  // namespace

FleetBench::FleetBench(FleetOptions options) : options_(std::move(options)) {}

FleetBench::~FleetBench() { shut_down(); }

int FleetBench::run() {
  return station_bench::run_bench_flow(
      io_, "fleet-bench", "stopping the gateways and the broker", main_flow(),
      [this] {
        interrupted_ = true;
        sleep_timer_.cancel();
      },
      [this] { shut_down(); });
}

void FleetBench::stop_point() {
  scanning_ = false;
  // Every daemon at once, then the waits: a point's N gateways stop in one grace period.
  for (auto& g : gateways_) g->terminate();
  for (auto& g : gateways_) (void)g->stop(kStopGrace);
}

void FleetBench::shut_down() {
  stop_point();
  gateways_.clear();
  if (oms_) oms_->disconnect();
  oms_.reset();
  if (broker_) broker_->stop();
  broker_.reset();
  if (own_work_dir_ && !options_.keep_work_dir && !work_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(work_dir_, ec);
    work_dir_.clear();
  }
}

bool FleetBench::children_alive(std::string& why) {
  if (broker_ && !broker_->alive(why)) return false;
  for (auto& g : gateways_) {
    if (g->running()) continue;
    why = g->id() + " " + g->describe_exit() + "; its log:\n" + g->log_tail();
    return false;
  }
  return true;
}

asio::awaitable<bool> FleetBench::wait_for(const std::function<bool()>& ready, std::chrono::milliseconds timeout,
                                           std::string_view what, bool report_timeout) {
  co_return co_await station_bench::wait_until_ready(
      ready, timeout, what, report_timeout, [this](std::string& why) { return !interrupted_ && children_alive(why); },
      "fleet-bench");
}

asio::awaitable<bool> FleetBench::sleep_until(std::int64_t ns) {
  // One wake-up rather than polling: the loop should wake only for scans and messages while it
  // measures. A signal cancels the wait.
  sleep_timer_.expires_at(at_ns(ns));
  boost::system::error_code ec;
  co_await sleep_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !interrupted_;
}

void FleetBench::on_message(const std::string& topic, const std::string& payload, std::int64_t received_ns) {
  const auto parts = split_topic(topic);
  if (parts.site != site_ || !ledger_) return;  // another point's, or not a gateway's topic
  const auto it = gateway_index_.find(parts.gateway);
  if (it == gateway_index_.end()) return;
  const int gateway = it->second;
  boost::system::error_code ec;
  const auto doc = json::parse(payload, ec);
  if (ec || !doc.is_object()) return;
  const auto& o = doc.as_object();
  const std::string gateway_id(parts.gateway);
  if (parts.rest == "status") {
    const auto* online = o.if_contains("online");
    if (online && online->is_bool() && online->as_bool()) online_.insert(gateway_id);
    else online_.erase(gateway_id);
    return;
  }
  if (parts.rest == "ack") {
    const std::string id = gateway_id + "/" + std::string(string_at(o, "command_id"));
    if (string_at(o, "status") == "accepted") accepted_.insert(id);
    else rejected_.push_back(id + ": " + std::string(string_at(o, "code")) + " " + std::string(string_at(o, "reason")));
    return;
  }
  // Events and telemetry: …/station/<id>/event/<type>, …/event/<type>, …/telemetry/…
  const bool envelope = parts.rest.starts_with("event/") || parts.rest.starts_with("telemetry/") ||
                        (parts.rest.starts_with("station/") && (parts.rest.find("/event/") != std::string_view::npos ||
                                                                parts.rest.find("/telemetry/") != std::string_view::npos));
  const auto* seq = o.if_contains("seq");
  if (!envelope || !seq || !seq->is_int64()) return;
  const auto type = string_at(o, "type");
  const auto* data = o.if_contains("data");
  std::string_view code;
  if (type == "pick.item_picked" && data && data->is_object()) code = string_at(data->as_object(), "barcode");
  if (type == "pick.started") picking_.insert(gateway_id + "/" + std::string(string_at(o, "station")));
  if (type == "order.rejected")
    rejected_.push_back(gateway_id + " " + std::string(string_at(o, "order_id")) + ": order.rejected " +
                        (data ? json::serialize(*data) : std::string()));
  ledger_->on_envelope(gateway, string_at(o, "id"), seq->as_int64(), code, received_ns);
}

asio::awaitable<int> FleetBench::main_flow() {
  const std::int64_t started_ns = mono_ns();
  if (options_.work_dir.empty()) {
    std::string pattern = "/tmp/wedge-fleet-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    work_dir_ = pattern;
    own_work_dir_ = true;
  } else {
    work_dir_ = options_.work_dir;
    std::filesystem::create_directories(work_dir_);
  }
  print_header(options_);
  std::printf("  daemon %s, work dir %s%s, load average at start %s\n", options_.wedge.c_str(), work_dir_.c_str(),
              own_work_dir_ && !options_.keep_work_dir ? " (removed at exit)" : "",
              station_bench::load_average().c_str());
  for (const auto kind : options_.brokers) {
    // One co_await per statement: GCC 12 evaluates a co_await inside a condition oddly.
    const bool ok = co_await run_series(kind);
    if (!ok) co_return interrupted_ ? 130 : 1;
  }
  shut_down();
  co_return print_summary(results_, static_cast<double>(mono_ns() - started_ns) / 1e9);
}

asio::awaitable<bool> FleetBench::run_series(BrokerKind kind) {
  std::printf("\n== %s: starting%s\n", std::string(to_string(kind)).c_str(),
              kind == BrokerKind::cluster ? " three RabbitMQ nodes (about a minute)" : "");
  std::fflush(stdout);
  broker_ = std::make_unique<BenchBroker>(kind, options_, work_dir_ + "/" + std::string(to_string(kind)));
  if (auto error = broker_->start(); !error.empty()) throw std::runtime_error(std::string(to_string(kind)) + ": " + error);
  oms_ = std::make_unique<station_bench::MqttObserver>(
      io_.get_executor(), broker_->paho_uri(broker_->oms_node()),
      [this](const std::string& topic, const std::string& payload, std::int64_t t) { on_message(topic, payload, t); },
      fmt::format("fleet-bench-oms-{}", ::getpid()));
  const std::vector<std::string> filters = {"wedge/v1/+/+/station/+/event/#", "wedge/v1/+/+/event/#",
                                            "wedge/v1/+/+/station/+/telemetry/#", "wedge/v1/+/+/telemetry/#",
                                            "wedge/v1/+/+/status", "wedge/v1/+/+/ack"};
  if (auto error = oms_->connect(filters, 30s); !error.empty()) throw std::runtime_error("OMS subscriber: " + error);
  std::printf("   %s; the OMS subscriber on node %d\n", broker_->describe().c_str(), broker_->oms_node() + 1);
  std::fflush(stdout);
  for (const int n : options_.gateway_counts) {
    const bool ok = co_await run_point(n, false);
    if (!ok) co_return false;
  }
  if (kind == BrokerKind::cluster && options_.kill_row) {
    const int n = options_.kill_n.value_or(*std::max_element(options_.gateway_counts.begin(), options_.gateway_counts.end()));
    const bool ok = co_await run_point(n, true);
    if (!ok) co_return false;
  }
  oms_->disconnect();
  oms_.reset();
  broker_->stop();
  broker_.reset();
  co_return true;
}

asio::awaitable<bool> FleetBench::run_point(int gateways, bool kill_node) {
  site_ = fmt::format("{}-n{:02d}{}", broker_->kind() == BrokerKind::mosquitto ? "mosq" : "clus", gateways,
                      kill_node ? "-kill" : "");
  std::printf("\n-- %s, N = %d gateways x %d stations%s\n", std::string(to_string(broker_->kind())).c_str(), gateways,
              options_.stations, kill_node ? ", node 1 killed mid-window" : "");
  std::fflush(stdout);
  PointFigures figures;
  figures.broker = broker_->kind();
  figures.gateways = gateways;
  figures.stations = options_.stations;
  figures.node_killed = kill_node;
  bool ok = co_await bring_up(gateways);
  if (ok) ok = co_await push_pick_lists();
  if (ok) ok = co_await measure(figures, kill_node);
  if (!ok) co_return false;
  print_point(figures, options_.per_gateway);
  results_.push_back(std::move(figures));
  co_return true;
}

asio::awaitable<bool> FleetBench::bring_up(int gateways) {
  ledger_ = std::make_unique<FleetLedger>(gateways);
  gateway_index_.clear();
  online_.clear();
  picking_.clear();
  accepted_.clear();
  rejected_.clear();
  send_failures_ = 0;
  // Units per order line: every scan of the point is good, with room for a slow timer's catch-up.
  const auto units = static_cast<std::int64_t>(std::ceil(options_.scans_per_s * (options_.warmup_s + options_.seconds))) + 20;
  const std::string point_dir = work_dir_ + "/" + site_;
  for (int g = 0; g < gateways; ++g) {
    auto gateway = std::make_unique<BenchGateway>(io_.get_executor(), g, site_, options_.stations, units,
                                                  fmt::format("{}/gw{:02d}", point_dir, g + 1));
    if (auto error = gateway->start(options_.wedge, broker_->gateway_yaml(g), options_.log_level); !error.empty())
      throw std::runtime_error(gateway->id() + ": " + error);
    gateway_index_.emplace(gateway->id(), g);
    gateways_.push_back(std::move(gateway));
  }
  for (auto& g : gateways_) g->start_scanners();
  const auto gaps = [&] {
    std::string text;
    for (const auto& g : gateways_) {
      if (!online_.contains(g->id())) text += " " + g->id() + " not online;";
      if (!g->scanners_connected()) text += " " + g->id() + " scanners not all connected;";
    }
    return text;
  };
  const auto timeout = std::chrono::milliseconds(60'000 + 2'000 * gateways);
  if (!co_await wait_for([&] { return gaps().empty(); }, timeout, "every gateway online and every scanner connected")) {
    std::string why;
    if (children_alive(why)) std::fprintf(stderr, "fleet-bench: missing:%s\n", gaps().c_str());
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> FleetBench::push_pick_lists() {
  const auto missing = [&] {
    std::size_t count = 0;
    for (const auto& g : gateways_)
      for (std::size_t s = 0; s < g->stations(); ++s) {
        const auto& plan = g->plan(s);
        if (!accepted_.contains(g->id() + "/bench-" + plan.order_id) || !picking_.contains(g->id() + "/" + plan.station_id))
          ++count;
      }
    return count;
  };
  // As an OMS must (docs/mqtt-api.md "Command delivery promise"): a command without a reply is sent
  // again with the same id. A birth can reach us before the gateway's cmd/# subscription is in place.
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (missing() > 0 && std::chrono::steady_clock::now() < deadline) {
    for (const auto& g : gateways_)
      for (std::size_t s = 0; s < g->stations(); ++s) {
        const auto& plan = g->plan(s);
        if (accepted_.contains(g->id() + "/bench-" + plan.order_id)) continue;
        if (auto error = oms_->publish(g->topic_base() + "/cmd/pick_list", station_bench::pick_list_command(plan));
            !error.empty())
          throw std::runtime_error("publish the pick list of " + g->id() + "/" + plan.station_id + ": " + error);
      }
    (void)co_await wait_for([&] { return !rejected_.empty() || missing() == 0; }, kPickListResend,
                            "the replies to the pick lists", false);
    std::string why;
    if (interrupted_ || !children_alive(why)) {
      if (!interrupted_) std::fprintf(stderr, "fleet-bench: %s\n", why.c_str());
      co_return false;
    }
    if (!rejected_.empty()) throw std::runtime_error("pick list rejected: " + rejected_.front());
  }
  if (const auto count = missing(); count > 0) {
    std::fprintf(stderr, "fleet-bench: %zu stations not picking (no accepted ack or no pick.started) after 90 s\n", count);
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> FleetBench::scan_clock(std::int64_t start_ns, std::int64_t end_ns) {
  // One timer for every scanner: slot k belongs to gateway k mod N, station (k / N) mod M, so the
  // N x M stations take turns evenly over each period. Behind schedule (a busy machine), the due
  // scans go out at once; each is stamped when it is written, so the latency stays honest.
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto n = static_cast<std::int64_t>(gateways_.size());
  const auto m = static_cast<std::int64_t>(options_.stations);
  const double slot_ns = 1e9 / options_.scans_per_s / static_cast<double>(n * m);
  for (std::int64_t k = 0; scanning_ && !interrupted_; ++k) {
    const std::int64_t due = start_ns + static_cast<std::int64_t>(slot_ns * static_cast<double>(k));
    if (due >= end_ns) break;
    if (mono_ns() < due) {
      timer.expires_at(at_ns(due));
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!scanning_ || interrupted_) break;
    }
    const auto g = static_cast<std::size_t>(k % n);
    const auto s = static_cast<std::size_t>((k / n) % m);
    auto& gateway = *gateways_[g];
    std::string code = fleet_scan_code(gateway.plan(s), static_cast<int>(g), k / (n * m) + 1);
    // A GS1-128 symbol as a scanner sends it: AIM identifier, data, CR.
    const auto sent = gateway.scanner(s).send("]C1" + code + "\r");
    if (!sent) {
      ++send_failures_;
      continue;
    }
    ledger_->add_scan(std::move(code), static_cast<int>(g), *sent);
  }
}

asio::awaitable<bool> FleetBench::measure(PointFigures& figures, bool kill_node) {
  station_bench::FsyncProbe probe(work_dir_ + "/fsync-probe.dat");
  // Its 4 MiB file is written and synced in start(), before the first scan.
  if (auto error = probe.start(); !error.empty()) std::fprintf(stderr, "fleet-bench: fsync probe: %s\n", error.c_str());
  const std::int64_t scan_start = mono_ns() + 20'000'000;
  const std::int64_t window_start = scan_start + static_cast<std::int64_t>(options_.warmup_s * 1e9);
  const std::int64_t window_end = window_start + static_cast<std::int64_t>(options_.seconds * 1e9);
  scanning_ = true;
  asio::co_spawn(io_, scan_clock(scan_start, window_end), asio::detached);
  std::printf("   %zu gateways online, %zu stations picking; scanning (warm-up %.0f s, window %.0f s)...\n",
              gateways_.size(), picking_.size(), options_.warmup_s, options_.seconds);
  std::fflush(stdout);
  if (!co_await sleep_until(window_start)) co_return false;

  const long ticks_per_s = station_bench::clock_ticks_per_second();
  std::vector<std::optional<station_bench::CpuTicks>> gateway_cpu;
  for (const auto& g : gateways_) gateway_cpu.push_back(station_bench::read_cpu_ticks(g->pid()));
  broker_->mark_cpu();
  const auto bench_cpu = station_bench::read_cpu_ticks(::getpid());
  const std::int64_t cpu_start_ns = mono_ns();
  if (kill_node) {
    if (!co_await sleep_until(window_start + (window_end - window_start) / 2)) co_return false;
    figures.kill_at_s = static_cast<double>(mono_ns() - window_start) / 1e9;
    broker_->kill_node(0);
    std::printf("   killed node 1 (SIGKILL) %.1f s into the window\n", figures.kill_at_s);
    std::fflush(stdout);
  }
  if (!co_await sleep_until(window_end)) co_return false;
  scanning_ = false;
  figures.window_s = static_cast<double>(mono_ns() - cpu_start_ns) / 1e9;
  for (std::size_t g = 0; g < gateways_.size(); ++g) {
    GatewayFigures gf;
    gf.id = gateways_[g]->id();
    gf.node = broker_->gateway_node(static_cast<int>(g));
    const auto end = station_bench::read_cpu_ticks(gateways_[g]->pid());
    if (gateway_cpu[g] && end) gf.cpu_percent = percent(end->total() - gateway_cpu[g]->total(), ticks_per_s, figures.window_s);
    figures.per_gateway.push_back(std::move(gf));
  }
  for (const auto ticks : broker_->cpu_ticks_since_mark()) {
    figures.broker_node_cpu_percent.push_back(percent(ticks, ticks_per_s, figures.window_s));
    figures.broker_cpu_percent += figures.broker_node_cpu_percent.back();
  }
  if (const auto end = station_bench::read_cpu_ticks(::getpid()); bench_cpu && end)
    figures.bench_cpu_percent = percent(end->total() - bench_cpu->total(), ticks_per_s, figures.window_s);
  probe.stop();
  figures.fsync = probe.result();
  figures.load = station_bench::load_average();

  // Drain: the events of the last scans are on their way, and after a node's death the resends.
  const double drain_s = kill_node ? std::max(options_.drain_timeout_s, kKillRowDrainS) : options_.drain_timeout_s;
  const std::int64_t drain_start = mono_ns();
  figures.drained = co_await wait_for([&] { return ledger_->complete(); },
                                      std::chrono::milliseconds(static_cast<std::int64_t>(drain_s * 1000)),
                                      "every scan's event and every seq at the OMS");
  if (interrupted_) co_return false;
  figures.drain_s = static_cast<double>(mono_ns() - drain_start) / 1e9;
  collect(figures, window_start, window_end);
  for (std::size_t g = 0; g < gateways_.size(); ++g)
    figures.per_gateway[g].vm_hwm_kb = station_bench::read_status_kb(gateways_[g]->pid(), "VmHWM");
  std::string why;
  const bool alive = children_alive(why);
  stop_point();
  for (std::size_t g = 0; g < gateways_.size(); ++g) figures.per_gateway[g].exit = gateways_[g]->describe_exit();
  gateways_.clear();
  if (!alive) {
    std::fprintf(stderr, "fleet-bench: %s\n", why.c_str());
    co_return false;
  }
  co_return true;
}

void FleetBench::collect(PointFigures& figures, std::int64_t window_start, std::int64_t window_end) {
  std::int64_t written = 0, received = 0;
  for (const auto& s : ledger_->scans()) {
    if (s.received_ns >= window_start && s.received_ns < window_end) ++received;
    if (s.sent_ns < window_start) continue;  // warm-up
    ++written;
    if (s.received_ns >= 0) figures.latency.add(s.received_ns - s.sent_ns);
    else ++figures.latency_missing;
  }
  const double window_s = static_cast<double>(window_end - window_start) / 1e9;
  figures.scans_per_s = static_cast<double>(written) / window_s;
  figures.events_per_s = static_cast<double>(received) / window_s;
  figures.send_failures = send_failures_;
  const auto& books = ledger_->books();
  for (std::size_t g = 0; g < books.size(); ++g) {
    auto& gf = figures.per_gateway[g];
    gf.scans_sent = books[g].scans_sent;
    gf.lost = books[g].lost();
    gf.duplicates = books[g].duplicates;
    gf.seq_gaps = books[g].seq_gaps();
    gf.unknown_scans = books[g].unknown_scans;
  }
}

}  // namespace wedge::fleet_bench
