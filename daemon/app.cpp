#include "daemon/app.hpp"

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon/core/log.hpp"
#include "daemon/core/systemd.hpp"
#include "daemon/version.hpp"

namespace wedge {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Orderly shutdown must finish within this bound (systemd's TimeoutStopSec is longer; the issue's
// promise to operators is 5 s). Work still pending at the deadline is abandoned: the outbox keeps
// every event on disk, so nothing is lost by stopping early.
constexpr auto kShutdownBound = 4500ms;

struct App::Impl {
  explicit Impl(config::Config c)
      : config(std::move(c)),
        signals(io, SIGTERM, SIGINT, SIGHUP),
        watchdog(io),
        shutdown_deadline(io) {}

  asio::io_context io{1};
  config::Config config;
  asio::signal_set signals;
  asio::steady_timer watchdog;
  asio::steady_timer shutdown_deadline;
  bool stopping = false;

  std::string status_line() const {
    return fmt::format("site {} gateway {}: {} stations, {} devices", config.site, config.gateway,
                       config.stations.size(), config.devices.size());
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
    config = std::move(*result.config);
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
    shutdown_deadline.expires_after(kShutdownBound);
    shutdown_deadline.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      spdlog::warn("shutdown bound reached; stopping the loop with work pending");
      io.stop();
    });
    // Nothing else holds work on the loop yet; once every service has stopped the loop runs dry.
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
