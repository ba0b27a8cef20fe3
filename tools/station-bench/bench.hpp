// StationBench: one run of `scripts/bench stations`.
//
// Starts mosquitto (free loopback port) and the daemon (generated config: N pick-only stations, half
// with serial scanners on pty pairs, half with TCP scanners in client and listen mode), a QoS 1 MQTT
// subscriber on the gateway's topics and the daemon's event stream for device health
// (GET /events?topics=devices), waits until every scanner is connected, pushes one pick list per
// station over MQTT, waits until every station picks its order (pick.started), then opens the
// measuring stream GET /events?topics=station/*. Then each station scans at the configured
// rate (period jittered ±20%, stations spread evenly over the period) for the duration, and the
// bench records for every scan: the write time, the receipt of the first snapshot showing it as
// last_scan, and the receipt of its pick.item_picked / scan.refused event. The daemon's CPU time is
// read from /proc at the start and end of the scanning; VmHWM after the drain.
//
// Every child is stopped on return, on SIGINT/SIGTERM (exit 130) and on any failure; the work
// directory is removed unless it was given or --keep-work-dir is set.
// Construct and run() on the main thread; run() owns the io_context and returns the exit code.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tools/station-bench/child_process.hpp"
#include "tools/station-bench/fsync_probe.hpp"
#include "tools/station-bench/mqtt_observer.hpp"
#include "tools/station-bench/options.hpp"
#include "tools/station-bench/report.hpp"
#include "tools/station-bench/scan_ledger.hpp"
#include "tools/station-bench/scanner_endpoint.hpp"
#include "tools/station-bench/sse_client.hpp"

namespace wedge::station_bench {

class StationBench {
 public:
  explicit StationBench(Options options);
  ~StationBench();
  StationBench(const StationBench&) = delete;
  StationBench& operator=(const StationBench&) = delete;

  int run();

 private:
  boost::asio::awaitable<int> main_flow();
  // The phases of main_flow(); false when the run cannot go on (the reason is printed).
  // Work dir, scanners, broker, subscriber, daemon; every scanner connected and the gateway online.
  boost::asio::awaitable<bool> bring_up();
  // One pick list per station (resent until answered); every station picking.
  boost::asio::awaitable<bool> push_pick_lists();
  boost::asio::awaitable<bool> push_queued_orders();
  // The measuring stream, the scans, the drain; figures into facts_ and ledger_.
  boost::asio::awaitable<bool> measure();
  // Polls `ready` every 10 ms. False on timeout, interruption or a child that died (reason printed;
  // a timeout only with report_timeout).
  boost::asio::awaitable<bool> wait_for(const std::function<bool()>& ready, std::chrono::milliseconds timeout,
                                        std::string_view what, bool report_timeout = true);
  boost::asio::awaitable<void> scan_loop(std::size_t station, std::int64_t first_ns, std::int64_t end_ns);
  [[nodiscard]] std::string start_broker();
  [[nodiscard]] std::string start_daemon();
  void on_frame(std::string_view event, std::string_view data, std::int64_t received_ns);
  void on_message(const std::string& topic, const std::string& payload, std::int64_t received_ns);
  bool children_alive(std::string& why);
  bool children_alive_quiet() {
    std::string why;
    return children_alive(why);
  }
  void shut_down();
  std::string file(const std::string& name) const { return facts_.work_dir + "/" + name; }

  Options options_;
  boost::asio::io_context io_{1};
  boost::asio::steady_timer end_timer_{io_};
  RunFacts facts_;
  bool own_work_dir_ = false;
  bool interrupted_ = false;
  ChildProcess broker_;
  ChildProcess daemon_;
  std::unique_ptr<MqttObserver> observer_;
  std::unique_ptr<SseClient> sse_;
  std::unique_ptr<FsyncProbe> fsync_probe_;  // while the scans run, unless --no-fsync-probe
  std::vector<std::unique_ptr<ScannerEndpoint>> endpoints_;
  ScanLedger ledger_;
  // What the stream and the subscriber have told us so far.
  std::map<std::string, std::string> device_state_;
  std::map<std::string, std::string> device_reason_;  // the state's reason, for a start that times out
  std::set<std::string> pick_started_;
  std::set<std::string> acks_accepted_;
  std::vector<std::string> acks_rejected_;
  bool gateway_online_ = false;
  int scan_loops_running_ = 0;
};

}  // namespace wedge::station_bench
