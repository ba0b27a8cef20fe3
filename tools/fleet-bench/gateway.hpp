// BenchGateway: one gateway daemon of a fleet point and the scanners the bench plays for it.
//
// Its configuration: site `site`, gateway `gwNN`, `broker.client_id: fleet-gwNN` (the same in
// every point, so a cluster keeps one command session per gateway rather than one per point), its
// own state dir and HTTP port, M pick-only stations `stNN` each with a TCP scanner `scNN` in client
// mode: the bench listens on a port it holds from the start and the daemon dials it. (In listen
// mode the bench would dial ports that nobody holds until the daemon binds them, and with hundreds
// of scanners retrying, a dial whose ephemeral source port equals its target connects the socket
// to itself; it happened.) Each station gets one order with one line long enough that it never
// completes during the run.
// Main (loop) thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tools/station-bench/child_process.hpp"
#include "tools/station-bench/scan_plan.hpp"
#include "tools/station-bench/scanner_endpoint.hpp"

namespace wedge::fleet_bench {

class BenchGateway {
 public:
  // `units` per order line: at least the scans one station makes in the point.
  BenchGateway(boost::asio::any_io_executor executor, int index, std::string site, int stations, std::int64_t units,
               std::string dir);
  BenchGateway(const BenchGateway&) = delete;
  BenchGateway& operator=(const BenchGateway&) = delete;

  // Picks each scanner's port, writes the configuration and starts the daemon. "" or why not.
  [[nodiscard]] std::string start(const std::string& wedge, const std::string& broker_yaml, const std::string& log_level);
  // The bench accepts every scanner connection from the daemon.
  void start_scanners();
  [[nodiscard]] bool scanners_connected() const;
  // SIGTERM, without waiting (stop() waits).
  void terminate();
  // Waits up to `grace` for the exit (then SIGKILL) and closes the scanners; the waitpid status.
  int stop(std::chrono::milliseconds grace);
  bool running() { return process_.running(); }
  pid_t pid() const { return process_.pid(); }
  std::string describe_exit() const;

  int index() const { return index_; }
  const std::string& id() const { return id_; }
  const std::string& site() const { return site_; }
  [[nodiscard]] std::string topic_base() const;  // wedge/v1/<site>/<gateway>
  std::size_t stations() const { return plans_.size(); }
  const station_bench::StationPlan& plan(std::size_t station) const { return plans_[station]; }
  station_bench::ScannerEndpoint& scanner(std::size_t station) { return *scanners_[station]; }
  [[nodiscard]] std::string log_tail() const;

 private:
  int index_;
  std::string id_;
  std::string site_;
  std::string dir_;
  std::vector<station_bench::StationPlan> plans_;
  std::vector<std::unique_ptr<station_bench::ScannerEndpoint>> scanners_;
  station_bench::ChildProcess process_;
};

// The scan `n` of station `station` of gateway `gateway`: a unique GS1 element string, so each
// event at the OMS names exactly one scan.
[[nodiscard]] std::string fleet_scan_code(const station_bench::StationPlan& plan, int gateway, std::int64_t n);

}  // namespace wedge::fleet_bench
