#include "daemon/app.hpp"

#include <csignal>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "daemon/app_impl.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/systemd.hpp"
#include "daemon/print/schema.hpp"
#include "daemon/startup_checks.hpp"
#include "daemon/version.hpp"

namespace wedge {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// The stop promised to operators (docs/operations.md, "Stop") is 5 s from SIGTERM to exit. The
// watchdog ends the process at kShutdownBound, which leaves a second of that for the kernel, a busy
// machine and the one who waits. The orderly stop itself keeps kTeardownReserve of the bound for
// what runs after shutdown(): the loop draining its last handlers and the modules' destructors.
constexpr auto kShutdownBound = 4000ms;
constexpr auto kTeardownReserve = 1000ms;

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

// WATCHDOG=1 goes out from the loop's heartbeat, so only while the loop runs (health/loop_watchdog.hpp).
health::LoopWatchdog::Options loop_watchdog_options(const config::Config& config) {
  health::LoopWatchdog::Options o;
  o.stall_after = health_options(config).loop_stall_after;
  o.systemd_interval = core::watchdog_interval();
  if (o.systemd_interval) spdlog::info("systemd watchdog every {} ms", o.systemd_interval->count() / 1000);
  o.on_stall = [](const std::string& reason) { core::notify_status("unhealthy: loop: " + reason); };
  return o;
}

core::Result<http::Options> http_options_of(const config::Config& config) {
  const auto& http_section = config.section("http");
  return http::make_options(http_section.get_string("listen"), http_section.get_string_or("access_token_file", ""),
                            http_section.has("allowed_hosts") ? http_section.get_string_list("allowed_hosts")
                                                              : std::vector<std::string>{});
}

// The state directory holds the outbox: without it no event could be kept, so it is a start-up error.
void ensure_state_dir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw std::runtime_error("cannot create state_dir " + path + ": " + ec.message());
}

App::Impl::Impl(config::Config c)
    : config(std::move(c)),
      signals(io, SIGTERM, SIGINT, SIGHUP),
      loop_watchdog(io.get_executor(), loop_watchdog_options(config)),
      status_timer(io) {
  ensure_state_dir(config.state_dir);
  outbox.emplace(io.get_executor(), outbox_options(config));
  const auto uplink = link_options(config);
  make_link();
  // Everything that emits goes through the sink into the outbox; the link only reads the outbox.
  event_sink.emplace(*outbox, mqtt::event_topic_of(mqtt::Topics(uplink.topic_prefix, uplink.site, uplink.gateway)));
  devices.emplace(io.get_executor(), config);
  print_queue.emplace(io.get_executor(),
                      print::queue_options(config.section("printing"), config.state_dir));
  for (const auto& device : config.devices)
    if (device.kind == "printer") print_queue->add_printer(*devices->printer(device.id));
  // Stations keep pointers into `config`: a reload replaces it in place and tells them at once
  // (Stations::reconfigure, app_reload.cpp).
  stations.emplace(io.get_executor(), config, *devices, *event_sink, *journal, *print_queue, config.state_dir);
  parts.emplace(GatewayParts{config, *outbox, *link, *devices, *print_queue, *stations});
  auto http_options = http_options_of(config);
  if (!http_options) throw std::runtime_error("http: " + http_options.error().reason);
  gateway_health.emplace(*parts, loop_watchdog, health_options(config));
  http_in_use = *http_options;
  make_http_server(std::move(*http_options));
  stations->set_change_handler([this](const station::StationSnapshot& snapshot) {
    // The screen's JSON only when a screen listens: built for every scan, it cost the loop some
    // 30 us per scan with nobody watching (scripts/bench scan, docs/operations.md).
    http_server->publish_with("station/" + snapshot.station, [&] { return screen_json(*parts, snapshot); });
  });
  devices->set_health_handler(
      [this](const std::string& id, const std::string& kind, const drivers::Health& health) {
        // A device that a reload removed may say "disconnected" as it goes: its status is gone.
        if (!config.find_device(id)) return;
        const auto state = std::string(drivers::to_string(health.state));
        if (health.state == drivers::HealthState::connected)
          spdlog::info("device={} kind={} state={}", id, kind, state);
        else
          spdlog::warn("device={} kind={} state={} reason=\"{}\"", id, kind, state, health.reason);
        link->publish_device_status(id, state, health.reason, health.warnings);
        if (http_server) http_server->publish("devices", devices_json(*parts));
      });
  outbox->set_alarm_handler([](bool full, const std::string& reason) {
    if (full) spdlog::error("outbox alarm: {}", reason);
    else spdlog::info("outbox alarm cleared: {}", reason);
  });
}

void App::Impl::make_link() {
  // commands.db has one owner: the journal's thread writes it for the link and the stations.
  journal.emplace(io.get_executor(), config.state_dir + "/commands.db");
  link.emplace(io.get_executor(), link_options(config), *outbox, *journal, [this] { return inventory(); });
  link->set_command_handler([this](const commands::Command& command) {
    stations->handle_command(command, [id = command.id, order = command.order_id](
                                          const station::CommandOutcome& outcome) {
      spdlog::info("command id={} order={} outcome={} step={}", id, order, outcome.code,
                   outcome.intercepted_step);
    });
  });
}

void App::Impl::make_http_server(http::Options options) {
  auto view = make_gateway_view(*parts, io.get_executor());
  gateway_health->attach(view);
  view.reload = [this](http::Reply reply) {
    const auto outcome = reload("http");
    reply({outcome.applied ? 200u : 409u, reload_json(outcome)});
    // The answer is on its way; only now may the server that carries it be replaced.
    if (pending_http) asio::post(io, [this] { apply_http_change(); });
  };
  http_server.emplace(io.get_executor(), std::move(options), std::move(view));
}

mqtt::Inventory App::Impl::inventory() const {
  mqtt::Inventory inv;
  for (const auto& station : config.stations) inv.stations.push_back(station.id);
  for (const auto& device : config.devices) inv.devices.push_back(device.id);
  return inv;
}

std::string App::Impl::status_line() const {
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
void App::Impl::arm_status(int tick) {
  status_timer.expires_after(1s);
  status_timer.async_wait([this, tick](const boost::system::error_code& ec) {
    if (ec) return;
    http_server->publish_if_changed("status", status_json(*parts));
    http_server->publish_if_changed("outbox", outbox_json(*parts));
    bool health_changed = false;
    auto line = gateway_health->status_line(status_line(), health_changed);
    if (tick % 5 == 0 || health_changed) core::notify_status(line);
    arm_status(tick + 1);
  });
}

void App::Impl::wait_for_signal() {
  signals.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      spdlog::error("signal wait failed: {}", ec.message());
      return;
    }
    if (signo == SIGHUP) {
      (void)reload("SIGHUP");
      if (pending_http) apply_http_change();
      wait_for_signal();
      return;
    }
    spdlog::info("received {}, shutting down", signo == SIGTERM ? "SIGTERM" : "SIGINT");
    shutdown();
  });
}

// Bounded by design: the steps share one budget, the only step that waits on the network (the
// broker's goodbye) goes last with what is left of it, and the watchdog ends the process should a
// step overrun anyway. The outbox closes before the broker is touched: by then every
// event a station confirmed is committed, and what the broker has not acknowledged stays on disk.
void App::Impl::shutdown() {
  if (stopping) return;
  stopping = true;
  const core::ShutdownBudget budget(kShutdownBound);
  stop_watchdog.emplace(budget.deadline());
  core::notify_stopping();
  signals.cancel();
  loop_watchdog.stop();
  status_timer.cancel();
  // Stop taking work first (screens, stations, devices), then commit what is queued, then say
  // goodbye to the broker (retained offline, bounded).
  auto& steps = *stop_watchdog;
  steps.step("http");
  http_server->stop();
  steps.step("stations");
  stations->stop();
  steps.step("print queue");
  print_queue->stop();
  steps.step("devices");
  devices->stop();
  steps.step("outbox");
  outbox->close();
  steps.step("mqtt link");
  try {
    link->stop(std::max(budget.remaining() - kTeardownReserve, std::chrono::milliseconds{0}));
  } catch (const std::exception& e) {
    // Paho throws when a connect attempt is still pending; the connection is gone either way.
    spdlog::warn("mqtt disconnect: {}", e.what());
  }
  steps.step("teardown");
}

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
  if (auto started = s.http_server->start(); !started)
    spdlog::error("http: {}; station screens, API and /metrics are unavailable", started.error().reason);
  s.stations->start();
  s.devices->start();
  s.print_queue->start();
  s.link->start();
  s.arm_status();
  s.loop_watchdog.start();
  core::notify_ready(s.status_line());
  s.io.run();
  spdlog::info("wedge stopped");
  return 0;
}

}  // namespace wedge
