#include "daemon/app.hpp"

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

#include "daemon/core/log.hpp"
#include "daemon/core/systemd.hpp"
#include "daemon/devices/device_set.hpp"
#include "daemon/gateway_view.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/mqtt/link.hpp"
#include "daemon/outbox/outbox.hpp"
#include "daemon/print/print_queue.hpp"
#include "daemon/print/schema.hpp"
#include "daemon/startup_checks.hpp"
#include "daemon/station/stations.hpp"
#include "daemon/version.hpp"

namespace wedge {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Orderly shutdown must finish within this bound (systemd's TimeoutStopSec is longer; the issue's
// promise to operators is 5 s). Work still pending at the deadline is abandoned: the outbox keeps
// every event on disk, so nothing is lost by stopping early.
constexpr auto kShutdownBound = 4500ms;

outbox::Options outbox_options(const config::Config& config) {
  const auto& s = config.section("outbox");
  outbox::Options options;
  options.db_path = config.state_dir + "/outbox.db";
  options.max_events = s.get_int("max_events");
  options.max_bytes = s.get_int("max_bytes_mb") * 1024 * 1024;
  options.group_commit_window = std::chrono::microseconds(s.get_int("group_commit_window_us"));
  options.group_commit_max = static_cast<std::size_t>(s.get_int("group_commit_max"));
  return options;
}

// The state directory holds the outbox: without it no event could be kept, so it is a start-up error.
void ensure_state_dir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw std::runtime_error("cannot create state_dir " + path + ": " + ec.message());
}

struct App::Impl {
  explicit Impl(config::Config c)
      : config(std::move(c)),
        signals(io, SIGTERM, SIGINT, SIGHUP),
        watchdog(io),
        status_timer(io),
        shutdown_deadline(io) {
    ensure_state_dir(config.state_dir);
    outbox.emplace(io.get_executor(), outbox_options(config));
    link.emplace(io.get_executor(), link_options(config), *outbox, [this] { return inventory(); });
    devices.emplace(io.get_executor(), config);
    print_queue.emplace(io.get_executor(),
                        print::queue_options(config.section("printing"), config.state_dir));
    for (const auto& device : config.devices)
      if (device.kind == "printer") print_queue->add_printer(*devices->printer(device.id));
    // Stations keep pointers into `config`: it is the start-up configuration, which a reload never
    // replaces (reload() applies what can change at run time and keeps the rest for the restart).
    stations.emplace(io.get_executor(), config, *devices, *link, *print_queue, config.state_dir);
    parts.emplace(GatewayParts{config, *outbox, *link, *devices, *print_queue, *stations});
    const auto& http_section = config.section("http");
    auto http_options = http::make_options(http_section.get_string("listen"),
                                           http_section.get_string_or("access_token_file", ""));
    if (!http_options.options) throw std::runtime_error("http: " + http_options.error);
    http_server.emplace(io.get_executor(), std::move(*http_options.options), make_gateway_view(*parts));
    stations->set_change_handler([this](const station::StationSnapshot& snapshot) {
      http_server->publish("station/" + snapshot.station, screen_json(*parts, snapshot));
    });
    devices->set_health_handler(
        [this](const std::string& id, const std::string& kind, const drivers::Health& health) {
          const auto state = std::string(drivers::to_string(health.state));
          if (health.state == drivers::HealthState::connected)
            spdlog::info("device={} kind={} state={}", id, kind, state);
          else
            spdlog::warn("device={} kind={} state={} reason=\"{}\"", id, kind, state, health.reason);
          link->publish_device_status(id, state, health.reason);
          if (http_server) http_server->publish("devices", devices_json(*parts));
        });
    outbox->set_alarm_handler([](bool full, const std::string& reason) {
      if (full) spdlog::error("outbox alarm: {}", reason);
      else spdlog::info("outbox alarm cleared: {}", reason);
    });
    link->set_command_handler([this](const commands::Command& command) {
      stations->handle_command(command, [id = command.id, order = command.order_id](
                                            const station::CommandOutcome& outcome) {
        spdlog::info("command id={} order={} outcome={} step={}", id, order, outcome.code,
                     outcome.intercepted_step);
      });
    });
  }

  asio::io_context io{1};
  config::Config config;
  asio::signal_set signals;
  asio::steady_timer watchdog;
  asio::steady_timer status_timer;
  asio::steady_timer shutdown_deadline;
  // Destroyed in reverse order: devices, then the link, then the outbox the link publishes from.
  std::optional<outbox::Outbox> outbox;
  std::optional<mqtt::Link> link;
  std::optional<DeviceSet> devices;
  std::optional<print::PrintQueue> print_queue;
  std::optional<station::Stations> stations;
  std::optional<GatewayParts> parts;
  // Last, so it is destroyed first: it calls into everything above.
  std::optional<http::HttpServer> http_server;
  bool stopping = false;

  mqtt::Inventory inventory() const {
    mqtt::Inventory inv;
    for (const auto& station : config.stations) inv.stations.push_back(station.id);
    for (const auto& device : config.devices) inv.devices.push_back(device.id);
    return inv;
  }

  std::string status_line() const {
    const auto out = outbox->stats();
    const auto up = link->stats();
    int connected = 0;
    for (const auto& entry : devices->all())
      if (entry.device->health().state == drivers::HealthState::connected) ++connected;
    return fmt::format("{}/{}: broker {}, outbox {} events{}, devices {}/{} connected, {} stations",
                       config.site, config.gateway, up.connected ? "connected" : "disconnected",
                       out.depth, out.full ? " (FULL)" : "", connected, devices->all().size(),
                       config.stations.size());
  }

  // Every second: live status and outbox figures to the screens (only when they changed), and
  // every fifth second the one-line summary to systemd.
  void arm_status(int tick = 0) {
    status_timer.expires_after(1s);
    status_timer.async_wait([this, tick](const boost::system::error_code& ec) {
      if (ec) return;
      http_server->publish_if_changed("status", status_json(*parts));
      http_server->publish_if_changed("outbox", outbox_json(*parts));
      if (tick % 5 == 0) core::notify_status(status_line());
      arm_status(tick + 1);
    });
  }

  void wait_for_signal() {
    signals.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        spdlog::error("signal wait failed: {}", ec.message());
        return;
      }
      if (signo == SIGHUP) {
        reload();
        wait_for_signal();
        return;
      }
      spdlog::info("received {}, shutting down", signo == SIGTERM ? "SIGTERM" : "SIGINT");
      shutdown();
    });
  }

  void reload() {
    core::notify_reloading();
    spdlog::info("SIGHUP: re-reading {}", config.file);
    auto result = config::load_config(config.file);
    if (!result.config) {
      for (const auto& error : result.errors) spdlog::error("config: {}", error.to_string());
      spdlog::error("config reload refused ({} errors); still running on the previous configuration",
                    result.errors.size());
      core::notify_ready(status_line() + " (reload refused: invalid config)");
      return;
    }
    const auto& level_name = result.config->section("log").get_string("level");
    if (auto level = core::parse_log_level(level_name)) core::set_log_level(*level);
    spdlog::info("config reloaded: log.level={} applied; changes to broker, outbox, http, devices "
                 "and stations take effect at the next restart",
                 level_name);
    core::notify_ready(status_line());
  }

  void arm_watchdog(std::chrono::microseconds interval) {
    watchdog.expires_after(interval);
    watchdog.async_wait([this, interval](const boost::system::error_code& ec) {
      if (ec) return;
      // Sent from the loop itself: if the loop is stuck, the keep-alives stop and systemd restarts us.
      core::notify_watchdog();
      arm_watchdog(interval);
    });
  }

  void shutdown() {
    if (stopping) return;
    stopping = true;
    core::notify_stopping();
    signals.cancel();
    watchdog.cancel();
    status_timer.cancel();
    shutdown_deadline.expires_after(kShutdownBound);
    shutdown_deadline.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      spdlog::warn("shutdown bound reached; stopping the loop with work pending");
      io.stop();
    });
    // Stop taking work first (devices), then say goodbye to the broker (retained offline, bounded),
    // then commit what is queued. Every event not yet acknowledged stays in the outbox for next time.
    http_server->stop();
    stations->stop();
    print_queue->stop();
    devices->stop();
    try {
      link->stop(1500ms);
    } catch (const std::exception& e) {
      // Paho throws when a connect attempt is still pending; the connection is gone either way.
      spdlog::warn("mqtt disconnect: {}", e.what());
    }
    outbox->close();
    shutdown_deadline.cancel();
  }
};

App::App(config::Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}
App::~App() = default;

int App::run() {
  auto& s = *impl_;
  if (auto level = core::parse_log_level(s.config.section("log").get_string("level")))
    core::set_log_level(*level);
  spdlog::info("wedge {} starting: {}", kVersion, s.status_line());
  s.wait_for_signal();
  // Without HTTP the screens are dark, but scanners, scales and the uplink still work: a station
  // must not stop because another program took the port. The error is logged for the engineer.
  if (auto started = s.http_server->start(); !started.ok)
    spdlog::error("http: {}; station screens, API and /metrics are unavailable", started.error);
  s.stations->start();
  s.devices->start();
  s.print_queue->start();
  s.link->start();
  s.arm_status();
  if (auto interval = core::watchdog_interval()) {
    spdlog::info("systemd watchdog every {} ms", interval->count() / 1000);
    s.arm_watchdog(*interval);
  }
  core::notify_ready(s.status_line());
  s.io.run();
  spdlog::info("wedge stopped");
  return 0;
}

}  // namespace wedge
