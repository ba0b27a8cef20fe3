// Internal to the daemon: the object behind App (app.hpp). app.cpp builds, runs and stops it;
// app_reload.cpp applies a reloaded configuration to it. Loop thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <optional>
#include <string>

#include "daemon/app.hpp"
#include "daemon/app_reload.hpp"
#include "daemon/commands/command_journal.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/config_diff.hpp"
#include "daemon/core/shutdown_watchdog.hpp"
#include "daemon/devices/device_set.hpp"
#include "daemon/health/loop_watchdog.hpp"
#include "daemon/http/http_options.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/mqtt/link.hpp"
#include "daemon/outbox/event_sink.hpp"
#include "daemon/outbox/outbox.hpp"
#include "daemon/print/print_queue.hpp"
#include "daemon/station/stations.hpp"
#include "daemon/views/gateway_view.hpp"
#include "daemon/views/health_view.hpp"

namespace wedge {

// The HTTP server's options from the `http` section (app.cpp).
[[nodiscard]] core::Result<http::Options> http_options_of(const config::Config& config);

struct App::Impl {
  explicit Impl(config::Config c);

  // First, so it is destroyed last: once armed it bounds everything after SIGTERM, the destructors
  // of the modules below included.
  std::optional<core::ShutdownWatchdog> stop_watchdog;
  boost::asio::io_context io{1};
  // The running configuration. A reload replaces it in place (the same object), so every reference
  // to it stays valid; the modules that keep pointers into it are told at once (app_reload.cpp).
  config::Config config;
  boost::asio::signal_set signals;
  health::LoopWatchdog loop_watchdog;
  boost::asio::steady_timer status_timer;
  // Destroyed in reverse order: devices, then the link, then the outbox the link publishes from.
  // The journal, link, health and HTTP server are re-made in place by a reload (same storage, so
  // the references the others hold stay valid).
  std::optional<outbox::Outbox> outbox;
  std::optional<commands::CommandJournal> journal;
  std::optional<mqtt::Link> link;
  std::optional<outbox::OutboxSink> event_sink;
  std::optional<DeviceSet> devices;
  std::optional<print::PrintQueue> print_queue;
  std::optional<station::Stations> stations;
  std::optional<GatewayParts> parts;
  std::optional<GatewayHealth> gateway_health;
  // Last, so it is destroyed first: it calls into everything above.
  std::optional<http::HttpServer> http_server;
  bool stopping = false;

  // --- app.cpp ---
  mqtt::Inventory inventory() const;
  std::string status_line() const;
  void arm_status(int tick = 0);
  void wait_for_signal();
  void shutdown();
  // The journal and the link for the running configuration, with their handlers.
  void make_link();
  // The HTTP server for `options`, with the view of the parts (not started).
  void make_http_server(http::Options options);

  // --- app_reload.cpp ---
  // Reads and checks the configuration file again and applies it, or refuses it whole; logs the
  // outcome and tells systemd (RELOADING=1, then READY=1 with STATUS=). `source` names who asked
  // ("SIGHUP", "http"). When the HTTP settings changed, their change is left to
  // apply_http_change(), which the caller runs once it answered its client.
  ReloadOutcome reload(const std::string& source);
  void apply_http_change();
  std::optional<http::Options> pending_http;  // set by reload() when the HTTP settings changed
  std::optional<http::Options> http_in_use;   // what the server runs with

 private:
  std::vector<std::string> reload_problems(const config::Config& next, const config::ConfigDiff& diff);
  void apply_devices_and_stations(config::Config next, const config::ConfigDiff& diff);
  void reconnect_broker();
};

}  // namespace wedge
