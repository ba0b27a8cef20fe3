// FleetBench: one run of `scripts/bench fleet` (issue 19 item 6).
//
// For each broker (mosquitto, then the RabbitMQ cluster) it starts the broker once and an OMS
// subscriber (QoS 1, clean session, in this process; on the cluster on node 3) on every gateway's
// events, telemetry, status and acks, then runs one point per N: N gateway daemons (BenchGateway)
// under a site of the point's own, every scanner connected and every gateway online, one pick list
// per station (resent until accepted, as an OMS does), every station picking; then one timer of
// this process writes one scan per station per 1/rate s, the N x M stations spread evenly over the
// period, for the warm-up and the measured window. Over the window it reads the CPU of every
// gateway, of the broker's processes and of this process from /proc; a thread times a bare fsync
// (FsyncProbe) from the warm-up on. After the window it waits (up to the drain timeout) until every
// scan's event and every seq has reached the OMS, reads each gateway's VmHWM and stops the point.
// On the cluster, after the points, one more point (the largest N, or --kill-n) in which node 1 is
// killed with SIGKILL half-way through the window.
//
// Every child is stopped on return, on SIGINT/SIGTERM (exit 130) and on any failure; the work
// directory is removed unless it was given or --keep-work-dir is set.
// Construct and run() on the main thread; run() owns the io_context and returns the exit code.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tools/fleet-bench/broker.hpp"
#include "tools/fleet-bench/fleet_ledger.hpp"
#include "tools/fleet-bench/gateway.hpp"
#include "tools/fleet-bench/options.hpp"
#include "tools/fleet-bench/report.hpp"
#include "tools/station-bench/mqtt_observer.hpp"

namespace wedge::fleet_bench {

class FleetBench {
 public:
  explicit FleetBench(FleetOptions options);
  ~FleetBench();
  FleetBench(const FleetBench&) = delete;
  FleetBench& operator=(const FleetBench&) = delete;

  int run();

 private:
  boost::asio::awaitable<int> main_flow();
  // The broker, its OMS subscriber and every point on it; false when the run cannot go on.
  boost::asio::awaitable<bool> run_series(BrokerKind kind);
  boost::asio::awaitable<bool> run_point(int gateways, bool kill_node);
  // The phases of run_point(); false when the point cannot go on (the reason is printed).
  boost::asio::awaitable<bool> bring_up(int gateways);
  boost::asio::awaitable<bool> push_pick_lists();
  boost::asio::awaitable<bool> measure(PointFigures& figures, bool kill_node);
  boost::asio::awaitable<void> scan_clock(std::int64_t start_ns, std::int64_t end_ns);
  // Polls `ready` every 10 ms. False on timeout, interruption or a child that died (reason printed;
  // a timeout only with report_timeout).
  boost::asio::awaitable<bool> wait_for(const std::function<bool()>& ready, std::chrono::milliseconds timeout,
                                        std::string_view what, bool report_timeout = true);
  boost::asio::awaitable<bool> sleep_until(std::int64_t ns);
  void on_message(const std::string& topic, const std::string& payload, std::int64_t received_ns);
  bool children_alive(std::string& why);
  // The window's figures and the ledger per gateway into `figures`.
  void collect(PointFigures& figures, std::int64_t window_start, std::int64_t window_end);
  void stop_point();
  void shut_down();

  FleetOptions options_;
  boost::asio::io_context io_{1};
  boost::asio::steady_timer sleep_timer_{io_};
  std::string work_dir_;
  bool own_work_dir_ = false;
  bool interrupted_ = false;
  std::unique_ptr<BenchBroker> broker_;
  std::unique_ptr<station_bench::MqttObserver> oms_;
  std::vector<PointFigures> results_;
  // The point that runs.
  std::string site_;
  std::vector<std::unique_ptr<BenchGateway>> gateways_;
  std::map<std::string, int, std::less<>> gateway_index_;
  std::unique_ptr<FleetLedger> ledger_;
  std::set<std::string> online_;
  std::set<std::string> picking_;   // "<gateway>/<station>" that sent pick.started
  std::set<std::string> accepted_;  // "<gateway>/<command id>"
  std::vector<std::string> rejected_;
  std::int64_t send_failures_ = 0;
  bool scanning_ = false;
};

}  // namespace wedge::fleet_bench
