#include "tools/station-bench/bench.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "tools/station-bench/bench_loop.hpp"
#include "tools/station-bench/clock.hpp"
#include "tools/station-bench/loopback.hpp"
#include "tools/station-bench/order_history.hpp"

namespace wedge::station_bench {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr auto kStartTimeout = 60s;
constexpr auto kStopGrace = 6s;  // the daemon promises to stop within 5 s

// The last `max_lines` lines of the file at `path` (only those that contain `needle`, when given),
// indented.
std::string tail(const std::string& path, std::size_t max_lines, std::string_view needle = {}) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!needle.empty() && l.find(needle) == std::string::npos) continue;
    lines.push_back(l);
    if (lines.size() > max_lines) lines.erase(lines.begin());
  }
  std::string out;
  for (const auto& l : lines) out += "    " + l + "\n";
  return out;
}

std::string_view string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

asio::steady_timer::time_point at_ns(std::int64_t ns) {
  // libstdc++'s steady_clock is CLOCK_MONOTONIC: the same time line as mono_ns().
  return asio::steady_timer::time_point(std::chrono::nanoseconds(ns));
}

}  // namespace

StationBench::StationBench(Options options) : options_(std::move(options)) { facts_.options = options_; }

StationBench::~StationBench() { shut_down(); }

int StationBench::run() {
  return run_bench_flow(
      io_, "station-bench", "stopping the daemon and the broker", main_flow(),
      [this] {
        interrupted_ = true;
        end_timer_.cancel();
      },
      [this] { shut_down(); });
}

void StationBench::shut_down() {
  if (fsync_probe_) fsync_probe_->stop();  // before the work dir goes
  if (sse_) sse_->close();
  if (observer_) observer_->disconnect();
  if (daemon_.pid() > 0 && daemon_.running()) {
    const int status = daemon_.stop(kStopGrace);
    facts_.daemon_exit = describe_status(status);
  } else if (daemon_.exit_status() && facts_.daemon_exit.empty()) {
    facts_.daemon_exit = describe_status(*daemon_.exit_status());
  }
  if (broker_.pid() > 0 && broker_.running()) broker_.stop(2s);
  for (auto& e : endpoints_) e->close();
  if (own_work_dir_ && !options_.keep_work_dir && !facts_.work_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(facts_.work_dir, ec);
    facts_.work_dir.clear();
  }
}

bool StationBench::children_alive(std::string& why) {
  if (broker_.pid() > 0 && !broker_.running()) {
    why = "mosquitto " + describe_status(broker_.exit_status().value_or(-1)) + "; its log:\n" +
          tail(file("mosquitto.log"), 20);
    return false;
  }
  if (daemon_.pid() > 0 && !daemon_.running()) {
    why = "the daemon " + describe_status(daemon_.exit_status().value_or(-1)) + "; its log:\n" +
          tail(file("wedge.log"), 30);
    return false;
  }
  return true;
}

asio::awaitable<bool> StationBench::wait_for(const std::function<bool()>& ready, std::chrono::milliseconds timeout,
                                             std::string_view what, bool report_timeout) {
  co_return co_await wait_until_ready(
      ready, timeout, what, report_timeout,
      [this](std::string& why) { return !interrupted_ && children_alive(why); }, "station-bench");
}

std::string StationBench::start_broker() {
  facts_.broker_port = free_loopback_port();
  std::ofstream conf(file("mosquitto.conf"));
  conf << mosquitto_conf(facts_.broker_port, file("mosquitto.log"));
  conf.close();
  if (!conf) return "cannot write " + file("mosquitto.conf");
  return broker_.start({options_.mosquitto, "-c", file("mosquitto.conf")}, file("mosquitto.out"));
}

std::string StationBench::start_daemon() {
  facts_.http_port = free_loopback_port();
  DaemonConfigInput in;
  in.state_dir = file("state");
  in.broker_port = facts_.broker_port;
  in.http_port = facts_.http_port;
  in.log_level = options_.log_level;
  in.commit_window_us = options_.commit_window_us;
  in.plans = facts_.plans;
  for (const auto& e : endpoints_) in.device_entries.push_back(e->device_yaml());
  std::ofstream conf(file("wedge.yaml"));
  conf << daemon_config_yaml(in);
  conf.close();
  if (!conf) return "cannot write " + file("wedge.yaml");
  auto error = daemon_.start({options_.wedge, "--config", file("wedge.yaml")}, file("wedge.log"));
  facts_.daemon_pid = daemon_.pid();
  return error;
}

void StationBench::on_frame(std::string_view event, std::string_view data, std::int64_t received_ns) {
  boost::system::error_code ec;
  const auto doc = json::parse(data, ec);
  if (ec || !doc.is_object()) return;
  const auto* value = doc.as_object().if_contains("data");
  if (!value) return;
  if (event == "devices" && value->is_array()) {
    for (const auto& d : value->as_array())
      if (d.is_object()) {
        const std::string id(string_at(d.as_object(), "id"));
        device_state_[id] = string_at(d.as_object(), "state");
        device_reason_[id] = string_at(d.as_object(), "reason");
      }
    return;
  }
  if (event != "station" || !value->is_object()) return;
  const auto* scan = value->as_object().if_contains("last_scan");
  if (!scan || !scan->is_object()) return;
  // The screen's last_scan names the scan by its decoded text ("barcode"; "code" repeats it).
  const auto& last = scan->as_object();
  auto code = string_at(last, "barcode");
  if (code.empty()) code = string_at(last, "code");
  auto result = string_at(last, "result");
  if (result.empty()) result = string_at(last, "verdict");
  ledger_.on_snapshot(code, result, received_ns);
}

void StationBench::on_message(const std::string& topic, const std::string& payload, std::int64_t received_ns) {
  const std::string base = topic_base();
  boost::system::error_code ec;
  const auto doc = json::parse(payload, ec);
  if (ec || !doc.is_object()) return;
  const auto& o = doc.as_object();
  if (topic == base + "/status") {
    const auto* online = o.if_contains("online");
    gateway_online_ = online && online->is_bool() && online->as_bool();
    return;
  }
  if (topic == base + "/ack") {
    const auto id = std::string(string_at(o, "command_id"));
    if (string_at(o, "status") == "accepted") acks_accepted_.insert(id);
    else acks_rejected_.push_back(id + ": " + std::string(string_at(o, "code")) + " " + std::string(string_at(o, "reason")));
    return;
  }
  const auto type = string_at(o, "type");
  const auto* data = o.if_contains("data");
  if (type == "pick.started") pick_started_.insert(std::string(string_at(o, "station")));
  if (type == "order.rejected")
    acks_rejected_.push_back(std::string(string_at(o, "order_id")) + ": order.rejected " +
                             (data ? json::serialize(*data) : std::string()));
  if ((type != "pick.item_picked" && type != "scan.refused") || !data || !data->is_object()) return;
  ledger_.on_event(string_at(data->as_object(), "barcode"), type, string_at(data->as_object(), "reason"), received_ns);
}

asio::awaitable<void> StationBench::scan_loop(std::size_t station, std::int64_t first_ns, std::int64_t end_ns) {
  ++scan_loops_running_;
  const auto& plan = facts_.plans[station];
  auto& endpoint = *endpoints_[station];
  asio::steady_timer timer(co_await asio::this_coro::executor);
  std::mt19937_64 rng(options_.seed * 1'000'003 + station);
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  std::bernoulli_distribution wrong(options_.wrong_percent / 100.0);
  const double period_ns = 1e9 / options_.scans_per_s;
  std::int64_t n = 0, good = 0;
  for (std::int64_t t = first_ns; t < end_ns && !interrupted_; t += static_cast<std::int64_t>(period_ns * jitter(rng))) {
    timer.expires_at(at_ns(t));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (interrupted_) break;
    const bool wrong_item = wrong(rng);
    const auto& gtin = wrong_item ? plan.wrong_gtin : plan.gtins[static_cast<std::size_t>(good++) % plan.gtins.size()];
    std::string code = item_code(gtin, fmt::format("S{:03d}N{:07d}", plan.index + 1, ++n));
    // A GS1-128 symbol as a scanner sends it: AIM identifier, data, CR.
    const auto sent = endpoint.send("]C1" + code + "\r");
    if (!sent) {
      ++facts_.send_failures;
      continue;
    }
    ledger_.add(std::move(code), plan.index, plan.kind, wrong_item, *sent);
  }
  --scan_loops_running_;
}

asio::awaitable<int> StationBench::main_flow() {
  // One co_await per statement: GCC 12 evaluates a co_await on the right of || even when the left
  // side already decided the result.
  if (!co_await bring_up()) co_return interrupted_ ? 130 : 1;
  if (!co_await push_pick_lists()) co_return interrupted_ ? 130 : 1;
  if (!co_await measure()) co_return interrupted_ ? 130 : 1;
  shut_down();
  const int code = print_report(facts_, ledger_);
  if (!options_.samples_file.empty())
    if (auto error = write_samples(options_.samples_file, facts_, ledger_); !error.empty())
      std::fprintf(stderr, "station-bench: %s\n", error.c_str());
  co_return code;
}

asio::awaitable<bool> StationBench::bring_up() {
  facts_.load_at_start = load_average();
  facts_.ticks_per_s = clock_ticks_per_second();
  if (options_.work_dir.empty()) {
    std::string pattern = "/tmp/wedge-station-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    facts_.work_dir = pattern;
    own_work_dir_ = true;
  } else {
    facts_.work_dir = options_.work_dir;
    std::filesystem::create_directories(facts_.work_dir);
  }
  facts_.plans = make_plans(options_);
  for (const auto& plan : facts_.plans) {
    endpoints_.push_back(std::make_unique<ScannerEndpoint>(io_.get_executor(), plan.device_id, plan.kind));
    if (auto error = endpoints_.back()->prepare(); !error.empty())
      throw std::runtime_error(plan.device_id + ": " + error);
  }

  if (auto error = start_broker(); !error.empty()) throw std::runtime_error("mosquitto: " + error);
  if (!co_await wait_for([&] { return loopback_port_open(facts_.broker_port); }, 10s, "mosquitto to accept connections"))
    co_return false;
  const std::string base = topic_base();
  observer_ = std::make_unique<MqttObserver>(
      io_.get_executor(), fmt::format("tcp://127.0.0.1:{}", facts_.broker_port),
      [this](const std::string& topic, const std::string& payload, std::int64_t t) { on_message(topic, payload, t); });
  if (auto error = observer_->connect({base + "/status", base + "/ack", base + "/station/+/event/#"}, 10s);
      !error.empty())
    throw std::runtime_error("MQTT subscriber: " + error);

  if (options_.history > 0) {
    std::printf("writing %zu shipped orders of the last day into stations.db (--history)...\n", options_.history);
    std::fflush(stdout);
    if (auto error = write_order_history(file("state"), facts_.plans, options_.history); !error.empty())
      throw std::runtime_error("--history: " + error);
  }
  if (auto error = start_daemon(); !error.empty()) throw std::runtime_error("daemon: " + error);
  std::size_t serial = 0, tcp_client = 0, tcp_listen = 0;
  for (const auto& p : facts_.plans)
    (p.kind == ScannerKind::serial ? serial : p.kind == ScannerKind::tcp_client ? tcp_client : tcp_listen)++;
  std::printf("station benchmark: %d pick stations (%zu serial on pty pairs, %zu tcp client mode, %zu tcp listen mode),\n"
              "  %.1f scans/s each for %.0f s, %.1f%% wrong-item scans, %zu lines x %lld units per order\n"
              "  daemon %s (pid %d, log level %s, group-commit window %s), mosquitto on 127.0.0.1:%d, HTTP on 127.0.0.1:%d\n"
              "  work dir %s%s\n  load average at start: %s%s\n",
              options_.stations, serial, tcp_client, tcp_listen, options_.scans_per_s, options_.duration_s,
              options_.wrong_percent, facts_.plans.front().gtins.size(),
              static_cast<long long>(facts_.plans.front().qty_per_line), options_.wedge.c_str(), facts_.daemon_pid,
              options_.log_level.c_str(),
              options_.commit_window_us ? fmt::format("{} us", *options_.commit_window_us).c_str() : "the daemon's default",
              facts_.broker_port, facts_.http_port, facts_.work_dir.c_str(),
              own_work_dir_ && !options_.keep_work_dir ? " (removed at exit)" : "", facts_.load_at_start.c_str(),
              options_.sse_quickack ? "\n  diagnostic: the event stream is read with TCP_QUICKACK (no delayed ACKs)" : "");
  std::fflush(stdout);

  for (auto& e : endpoints_) e->start();
  // Device health first, on a stream of its own: 50 scanners connecting at once may push it past
  // the daemon's per-client queue bound, and then it is simply reopened.
  sse_ = std::make_unique<SseClient>(io_.get_executor(), facts_.http_port, "/events?topics=devices", true,
                                     [this](std::string_view event, std::string_view data, std::int64_t t) {
                                       on_frame(event, data, t);
                                     });
  sse_->start();
  const auto connection_gaps = [&] {
    std::string gaps;
    if (!gateway_online_) gaps += " no online birth on " + base + "/status;";
    if (!sse_->streaming()) gaps += " GET /events not streaming" + (sse_->error().empty() ? "" : " (" + sse_->error() + ")") + ";";
    for (const auto& p : facts_.plans) {
      const auto it = device_state_.find(p.device_id);
      if (it == device_state_.end() || it->second != "connected") {
        const std::string& reason = device_reason_[p.device_id];
        gaps += " " + p.device_id + " " + (it == device_state_.end() ? "not seen" : it->second) +
                (reason.empty() ? "" : " (" + reason + ")") + ";";
      }
    }
    return gaps;
  };
  if (!co_await wait_for([&] { return connection_gaps().empty(); }, kStartTimeout,
                         "the gateway online and every scanner connected")) {
    if (children_alive_quiet()) {
      std::fprintf(stderr, "station-bench: missing:%s\n", connection_gaps().c_str());
      // What the daemon logged about each device that is not connected, for the next run's fix.
      for (const auto& p : facts_.plans) {
        const auto it = device_state_.find(p.device_id);
        if (it != device_state_.end() && it->second == "connected") continue;
        std::fprintf(stderr, "station-bench: the daemon's log on %s:\n%s", p.device_id.c_str(),
                     tail(file("wedge.log"), 10, "device=" + p.device_id + " ").c_str());
      }
    }
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> StationBench::push_pick_lists() {
  const std::string base = topic_base();
  sse_->close();
  // Every pick list the daemon receives re-sends the snapshot of every station (queued-order counts),
  // so 50 pick lists in a row overflow any /events client's queue (64 frames) and it is dropped.
  // The measuring stream is therefore opened only once every station is picking.
  const auto picking_gaps = [&] {
    std::string gaps;
    for (const auto& p : facts_.plans) {
      if (!pick_started_.contains(p.station_id)) gaps += " no pick.started from " + p.station_id + ";";
      if (!acks_accepted_.contains("bench-" + p.order_id)) gaps += " no accepted ack for bench-" + p.order_id + ";";
    }
    return gaps;
  };
  // As an OMS must (docs/mqtt-api.md "Command delivery promise"): a command without a reply is sent
  // again with the same id. The daemon's birth can reach us before its cmd/# subscription is in
  // place, and the broker drops what it publishes to nobody.
  bool picking = false;
  for (auto waited = 0s; !picking && waited < kStartTimeout; waited += 2s) {
    for (const auto& plan : facts_.plans) {
      if (acks_accepted_.contains("bench-" + plan.order_id)) continue;
      if (auto error = observer_->publish(base + "/cmd/pick_list", pick_list_command(plan)); !error.empty())
        throw std::runtime_error("publish pick list " + plan.order_id + ": " + error);
    }
    picking = co_await wait_for([&] { return !acks_rejected_.empty() || picking_gaps().empty(); }, 2s,
                                "the replies to the pick lists", false);
    if (interrupted_ || !children_alive_quiet()) co_return false;
  }
  if (!picking) {
    std::fprintf(stderr, "station-bench: timed out waiting for every station to start picking its order; missing:%s\n",
                 picking_gaps().c_str());
    co_return false;
  }
  if (!acks_rejected_.empty()) throw std::runtime_error("pick list rejected: " + acks_rejected_.front());
  co_return co_await push_queued_orders();
}

// --queued: more pick lists per station, after the measured ones so that they wait behind them.
asio::awaitable<bool> StationBench::push_queued_orders() {
  if (options_.queued == 0) co_return true;
  const std::string base = topic_base();
  auto queued_id = [](const StationPlan& plan, std::size_t k) { return fmt::format("Q-{}-{:05d}", plan.order_id, k); };
  std::printf("pushing %zu more pick lists per station (--queued)...\n", options_.queued);
  const auto missing = [&] {
    std::size_t n = 0;
    for (const auto& plan : facts_.plans)
      for (std::size_t k = 0; k < options_.queued; ++k) n += acks_accepted_.contains("bench-" + queued_id(plan, k)) ? 0 : 1;
    return n;
  };
  for (auto waited = 0s; waited < kStartTimeout; waited += 5s) {
    for (const auto& plan : facts_.plans)
      for (std::size_t k = 0; k < options_.queued; ++k) {
        if (acks_accepted_.contains("bench-" + queued_id(plan, k))) continue;
        if (auto error = observer_->publish(base + "/cmd/pick_list", pick_list_command(plan, queued_id(plan, k)));
            !error.empty())
          throw std::runtime_error("publish queued pick list: " + error);
      }
    if (co_await wait_for([&] { return !acks_rejected_.empty() || missing() == 0; }, 5s,
                          "the replies to the queued pick lists", false))
      break;
    if (interrupted_ || !children_alive_quiet()) co_return false;
  }
  if (!acks_rejected_.empty()) throw std::runtime_error("pick list rejected: " + acks_rejected_.front());
  if (const auto n = missing(); n > 0) {
    std::fprintf(stderr, "station-bench: %zu queued pick lists got no accepted reply\n", n);
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> StationBench::measure() {
  sse_ = std::make_unique<SseClient>(io_.get_executor(), facts_.http_port, "/events?topics=station/*", false,
                                     [this](std::string_view event, std::string_view data, std::int64_t t) {
                                       on_frame(event, data, t);
                                     });
  sse_->set_quickack(options_.sse_quickack);
  sse_->start();
  if (!co_await wait_for([&] { return sse_->streaming(); }, 10s, "GET /events?topics=station/* to stream"))
    co_return false;
  if (sse_->closed()) throw std::runtime_error(sse_->error());

  // The measured window: from the first scheduled scan to the end of the duration.
  const std::int64_t period_ns = static_cast<std::int64_t>(1e9 / options_.scans_per_s);
  if (options_.fsync_probe) {
    // Its 4 MiB file is written and synced in start(), before the readings: the set-up is outside
    // the window.
    fsync_probe_ = std::make_unique<FsyncProbe>(file("fsync-probe.dat"));
    if (auto error = fsync_probe_->start(); !error.empty())
      std::fprintf(stderr, "station-bench: fsync probe: %s\n", error.c_str());
  }
  facts_.load_before_scans = load_average();
  facts_.commits_start = read_commit_histogram(facts_.http_port);
  const auto cpu_start = read_cpu_ticks(daemon_.pid());
  const auto daemon_delay_start = read_run_delay(daemon_.pid());
  const auto bench_delay_start = read_run_delay(::getpid());
  const std::int64_t start_ns = mono_ns() + 20'000'000;
  const std::int64_t end_ns = start_ns + static_cast<std::int64_t>(options_.duration_s * 1e9);
  const auto stations = facts_.plans.size();
  for (std::size_t s = 0; s < stations; ++s) {
    // Spread evenly over one period: the stations do not all scan at the same instant.
    const std::int64_t first = start_ns + period_ns * static_cast<std::int64_t>(s) / static_cast<std::int64_t>(stations);
    asio::co_spawn(io_, scan_loop(s, first, end_ns), asio::detached);
  }
  const std::int64_t cpu_start_ns = mono_ns();
  std::printf("  scanning...\n");
  std::fflush(stdout);
  {
    // One wake-up at the end rather than polling: the bench's own loop should wake only for scans,
    // frames and events while it measures. A signal cancels the wait.
    end_timer_.expires_at(at_ns(end_ns));
    boost::system::error_code ec;
    co_await end_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!co_await wait_for([&] { return mono_ns() >= end_ns && scan_loops_running_ == 0; },
                         std::chrono::milliseconds(static_cast<std::int64_t>(options_.duration_s * 1000) + 10'000),
                         "the scans to finish"))
    co_return false;
  const auto cpu_end = read_cpu_ticks(daemon_.pid());
  facts_.commits_end = read_commit_histogram(facts_.http_port);
  if (fsync_probe_) {
    fsync_probe_->stop();
    facts_.fsync_probe = fsync_probe_->result();
  }
  const auto daemon_delay_end = read_run_delay(daemon_.pid());
  const auto bench_delay_end = read_run_delay(::getpid());
  const auto delta = [](const RunDelay& a, const RunDelay& b) {
    return RunDelay{b.main_thread_ns - a.main_thread_ns, b.other_threads_ns - a.other_threads_ns};
  };
  if (daemon_delay_start && daemon_delay_end) facts_.daemon_run_delay = delta(*daemon_delay_start, *daemon_delay_end);
  if (bench_delay_start && bench_delay_end) facts_.bench_run_delay = delta(*bench_delay_start, *bench_delay_end);
  facts_.window_s = static_cast<double>(mono_ns() - cpu_start_ns) / 1e9;
  facts_.load_after_scans = load_average();
  if (!cpu_start || !cpu_end) throw std::runtime_error("cannot read /proc/<daemon>/stat");
  facts_.cpu_start = *cpu_start;
  facts_.cpu_end = *cpu_end;

  // Drain: verdicts and events of the last scans are still on their way.
  const bool drained = co_await wait_for([&] { return ledger_.complete(); },
                                         std::chrono::milliseconds(static_cast<std::int64_t>(options_.drain_timeout_s * 1000)),
                                         "the last verdicts and events");
  if (interrupted_) co_return false;
  if (!drained) std::fprintf(stderr, "station-bench: reporting what arrived\n");
  facts_.vm_hwm_kb = read_status_kb(daemon_.pid(), "VmHWM");
  facts_.vm_rss_kb = read_status_kb(daemon_.pid(), "VmRSS");
  facts_.sse_frames = sse_->frames();
  facts_.sse_error = sse_->error();
  for (const auto& e : endpoints_) facts_.scanner_reconnects += std::max<std::int64_t>(0, e->reconnects());
  co_return true;
}

}  // namespace wedge::station_bench
