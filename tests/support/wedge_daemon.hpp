// The real wedge binary as the integration tests run it: a config written into its own temporary
// directory (state_dir there too, HTTP on a free loopback port), the process started with its
// output captured, and on request a NOTIFY_SOCKET the test reads as systemd would. The process is
// stopped (SIGTERM, then SIGKILL) when the object dies. Test main thread only.
#pragma once

#include "tests/support/http_client.hpp"
#include "tests/support/notify_socket.hpp"
#include "tests/support/process.hpp"

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace wedge::test {

// The built binaries (build/daemon/wedge, build/tools/wedgectl/wedgectl).
const std::string& wedge_binary();
const std::string& wedgectl_binary();

// True when `text` contains `needle`.
bool contains(const std::string& text, const std::string& needle);
// One non-fatal failure (with `text`) for each of `needles` that `text` does not contain.
void expect_contains_all(const std::string& text, std::initializer_list<std::string> needles);

// The `broker:` lines of a daemon that reconnects quickly (100 ms, at most `reconnect_max_ms`),
// so a test that stops or restarts its broker does not wait out the production backoff.
std::string fast_broker(const std::string& uri, int reconnect_max_ms = 300);

struct WedgeOptions {
  WedgeOptions(std::string gateway_name, std::string broker_lines, std::string more_yaml = "")
      : gateway(std::move(gateway_name)), broker(std::move(broker_lines)), yaml(std::move(more_yaml)) {}

  std::string site = "s1";
  std::string gateway;
  std::string broker;  // the lines under `broker:`, indented, e.g. fast_broker(uri)
  std::string yaml;    // appended after `http:` (log, kpi, health, printing, devices, stations)
  // Added to the environment ("K=V"); "{dir}" in an entry stands for the daemon's directory.
  std::vector<std::string> env;
  bool notify = false;  // give it a NOTIFY_SOCKET, read through notify()
};

class WedgeDaemon {
 public:
  // Writes the config and starts the process; does not wait for it to serve.
  explicit WedgeDaemon(WedgeOptions options);
  WedgeDaemon(const WedgeDaemon&) = delete;
  WedgeDaemon& operator=(const WedgeDaemon&) = delete;

  // The config file's text for `options` on this daemon's directory and HTTP port.
  std::string config_text(const WedgeOptions& options) const;
  // Rewrites the config file (a reload test then sends SIGHUP).
  void write_config(const WedgeOptions& options) const;

  int http_port() const { return http_port_; }
  const std::string& config_path() const { return config_path_; }
  std::string file(const std::string& name) const { return dir_.file(name); }
  Subprocess& process() { return *process_; }
  NotifySocket& notify() { return *notify_; }  // only with WedgeOptions::notify
  std::string log() const { return process_->log(); }
  bool log_has(const std::string& needle) const { return contains(log(), needle); }

  // A daemon restart: SIGTERM (SIGKILL after 5 s), then the binary again on the same config and
  // state_dir, its output appended to the same log. Does not wait for it to serve.
  void restart();

  HttpReply get(const std::string& target) const;
  HttpReply post_json(const std::string& target, const std::string& json) const;
  // POST /api/v1/stations/<station>/scan {"code": code}.
  HttpReply scan(const std::string& station, const std::string& code) const;

 private:
  TempDir dir_;
  int http_port_;
  std::string config_path_;
  std::unique_ptr<NotifySocket> notify_;
  std::vector<std::string> env_;  // what the process was started with, for restart()
  std::unique_ptr<Subprocess> process_;
};

}  // namespace wedge::test
