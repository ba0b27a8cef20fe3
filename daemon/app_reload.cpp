// App::Impl::reload (app_impl.hpp): read the configuration again, check it as start-up does, refuse
// it whole when anything is invalid or unsafe for the work in progress, else apply it section by
// section on the loop (docs/configuration.md, "Reload").
#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <map>
#include <utility>

#include "daemon/app_impl.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/systemd.hpp"
#include "daemon/startup_checks.hpp"

namespace wedge {

namespace json = boost::json;
using namespace std::chrono_literals;

// The broker's goodbye when a reload reconnects: the retained offline status and the DISCONNECT
// (mqtt::Link::stop). The loop waits for it, so it is short; a broker that does not answer in time
// sees the connection drop instead.
constexpr auto kReloadLinkStop = 2000ms;

std::string ReloadOutcome::summary() const {
  if (!applied) {
    if (errors.empty()) return "reload refused";
    return fmt::format("reload refused: {}{}", errors.front(),
                       errors.size() > 1 ? fmt::format(" (and {} more)", errors.size() - 1) : "");
  }
  if (changes.empty() && at_restart.empty()) return "reloaded: no change";
  std::string out = "reloaded: ";
  for (std::size_t i = 0; i < changes.size(); ++i) out += (i ? "; " : "") + changes[i];
  if (!at_restart.empty())
    out += fmt::format("{}{} change{} wait{} for the restart", changes.empty() ? "" : "; ", at_restart.size(),
                       at_restart.size() == 1 ? "" : "s", at_restart.size() == 1 ? "s" : "");
  return out;
}

json::value reload_json(const ReloadOutcome& outcome) {
  auto strings = [](const std::vector<std::string>& items) {
    json::array out;
    for (const auto& item : items) out.emplace_back(item);
    return out;
  };
  return json::object{{"result", outcome.applied ? "applied" : "refused"},
                      {"changes", strings(outcome.changes)},
                      {"at_restart", strings(outcome.at_restart)},
                      {"errors", strings(outcome.errors)}};
}

namespace {

// Whether the server could listen on `listen` (bind, then let go): a port taken by another program
// refuses the reload instead of leaving the API unreachable. Empty when it can.
std::string listen_problem(const core::ListenAddress& listen) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(listen.host, ec);
  if (ec) return {};  // the server reports it; the validator already accepted the text
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io);
  probe.open(address.is_v6() ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), ec);
  if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) probe.bind({address, listen.port}, ec);
  if (!ec) return {};
  return fmt::format("http.listen: cannot listen on {}:{}: {}", listen.host, listen.port, ec.message());
}

// The section a changed key belongs to ("broker" for "broker.uri"; "site" for "site").
std::string section_of(const std::string& path) { return path.substr(0, path.find('.')); }

// One line per section that changes at once: "broker: uri, keepalive_s (reconnecting)".
std::vector<std::string> change_lines(const config::ConfigDiff& diff, const config::Config& next) {
  std::map<std::string, std::string> keys_of;  // section → its changed keys
  std::vector<std::string> order;
  for (const auto& change : diff.keys) {
    if (!change.restart_reason.empty()) continue;
    const auto section = section_of(change.path);
    auto& keys = keys_of[section];
    if (keys.empty()) order.push_back(section);
    keys += (keys.empty() ? "" : ", ") + change.path.substr(section.size() + 1);
  }
  std::vector<std::string> lines;
  if (!diff.devices.empty()) lines.push_back("devices: " + diff.devices.summary());
  if (!diff.stations.empty()) lines.push_back("stations: " + diff.stations.summary());
  for (const auto& section : order) {
    std::string line = section + ": " + keys_of[section];
    if (section == "log") line += " (now " + next.section("log").get_string("level") + ")";
    if (section == "broker") line += " (reconnecting)";
    if (section == "http") line += " (listening again on " + next.section("http").get_string("listen") + ")";
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

std::vector<std::string> App::Impl::reload_problems(const config::Config& next, const config::ConfigDiff& diff) {
  auto problems = stations->reload_problems(next);
  // A label in flight needs its printer until the printer answers (print_queue.hpp).
  for (const auto* ids : {&diff.devices.changed, &diff.devices.removed})
    for (const auto& id : *ids)
      if (print_queue->printing(id))
        problems.push_back(fmt::format("printer {} is printing a label: reload again once it is printed", id));
  return problems;
}

ReloadOutcome App::Impl::reload(const std::string& source) {
  core::notify_reloading();
  spdlog::info("reload ({}): reading {}", source, config.file);
  ReloadOutcome outcome;
  auto loaded = config::load_config(config.file);
  for (const auto& error : loaded.errors) outcome.errors.push_back(error.to_string());
  // The checks start-up makes (files, their modes, state_dir, TLS, credentials, templates): what
  // would stop the next start is refused now, while the operator is looking.
  if (loaded.config)
    for (auto& problem : startup_problems(*loaded.config)) outcome.errors.push_back(std::move(problem));
  config::ConfigDiff diff;
  std::optional<http::Options> http_next;
  if (outcome.errors.empty()) {
    diff = config::diff_configs(config, *loaded.config);
    outcome.errors = reload_problems(*loaded.config, diff);
    if (diff.applies_at_once("http")) {
      auto options = http_options_of(*loaded.config);
      if (!options) {
        outcome.errors.push_back("http: " + options.error().reason);
      } else {
        const auto& listen = options->listen;
        // On the port in use the probe would meet our own listener: that case is left to the
        // fallback in apply_http_change().
        const bool moves = !http_in_use || listen.port != http_in_use->listen.port;
        if (auto problem = moves ? listen_problem(listen) : std::string(); !problem.empty())
          outcome.errors.push_back(std::move(problem));
        http_next = std::move(*options);
      }
    }
  }
  if (!outcome.errors.empty()) {
    for (const auto& error : outcome.errors) spdlog::error("config: {}", error);
    spdlog::error("config reload refused ({} errors); still running on the previous configuration",
                  outcome.errors.size());
    core::notify_ready(status_line() + "; " + outcome.summary());
    return outcome;
  }

  outcome.applied = true;
  outcome.changes = change_lines(diff, *loaded.config);
  for (const auto& change : diff.left_for_restart())
    outcome.at_restart.push_back(change.path + ": " + change.restart_reason);
  apply_devices_and_stations(config::effective_config(config, std::move(*loaded.config)), diff);
  if (diff.applies_at_once("log"))
    if (auto level = core::parse_log_level(config.section("log").get_string("level"))) core::set_log_level(*level);
  // The health checks take their thresholds when made; the HTTP view reaches them at this address.
  if (diff.applies_at_once("health")) gateway_health.emplace(*parts, loop_watchdog, health_options(config));
  if (diff.applies_at_once("broker")) reconnect_broker();
  pending_http = std::move(http_next);
  // KPI targets and station settings are read where they are used, from `config`: nothing to do.

  for (const auto& line : outcome.changes) spdlog::info("reload: {}", line);
  for (const auto& line : outcome.at_restart) spdlog::warn("reload: {} takes effect at the next restart", line);
  spdlog::info("config reloaded ({}): {} section{} changed, {} key{} for the restart", source,
               outcome.changes.size(), outcome.changes.size() == 1 ? "" : "s", outcome.at_restart.size(),
               outcome.at_restart.size() == 1 ? " waits" : "s wait");
  core::notify_ready(status_line() + "; " + outcome.summary());
  return outcome;
}

// The devices and stations are changed together: a station's devices are looked up by id, and
// the print queue holds the printers. Every pointer into the old devices and the old
// configuration is let go of before they go, and taken again right after, with no handler in
// between (all of it runs on the loop, in this one call).
void App::Impl::apply_devices_and_stations(config::Config next, const config::ConfigDiff& diff) {
  stations->detach_devices();
  for (const auto* ids : {&diff.devices.changed, &diff.devices.removed})
    for (const auto& id : *ids)
      if (const auto* device = config.find_device(id); device && device->kind == "printer")
        print_queue->remove_printer(id);
  config = std::move(next);
  devices->apply(config, diff.devices);
  for (const auto* ids : {&diff.devices.changed, &diff.devices.added})
    for (const auto& id : *ids)
      if (auto* printer = devices->printer(id)) print_queue->add_printer(*printer);
  stations->reconfigure();
  if (!diff.devices.empty() && http_server) http_server->publish("devices", devices_json(*parts));
  // The broker's view follows: a removed device leaves no retained status behind, and the retained
  // online status lists the stations and devices now served (docs/mqtt-api.md, "Reload").
  if (link) {
    for (const auto& id : diff.devices.removed) link->forget_device(id);
    if (!diff.devices.empty() || !diff.stations.empty()) link->republish_status();
  }
}

// A new journal and link over the same outbox: what the broker has not acknowledged is sent again
// after the new CONNACK (the outbox rewinds), and the command channel's persistent session keeps
// the commands sent meanwhile (a new client id starts a new session: the OMS resends).
void App::Impl::reconnect_broker() {
  try {
    link->stop(kReloadLinkStop);
  } catch (const std::exception& e) {
    spdlog::warn("mqtt disconnect: {}", e.what());
  }
  link.reset();
  journal.reset();
  make_link();
  // The new journal in the old one's place (the stations hold it by reference) asks the stations
  // again before it stores an order command.
  stations->install_order_checks();
  for (const auto& entry : devices->all()) {
    const auto health = entry.device->health();
    link->publish_device_status(entry.id, std::string(drivers::to_string(health.state)), health.reason,
                                health.warnings);
  }
  link->start();
}

// After the client that asked for the reload got its answer: the server stops (closing every
// connection and event stream) and listens again with the new settings; if it cannot, it goes
// back to the settings it had, so that the API stays reachable, and says so.
void App::Impl::apply_http_change() {
  auto next = std::exchange(pending_http, std::nullopt);
  if (!next || stopping) return;
  http_server->stop();
  make_http_server(*next);
  auto started = http_server->start();
  if (started) {
    http_in_use = std::move(*next);
    return;
  }
  spdlog::error("http: {}; back to the previous HTTP settings until the next reload", started.reason());
  core::notify_status(status_line() + "; reload: http: " + started.reason());
  http_server->stop();
  make_http_server(*http_in_use);
  if (auto again = http_server->start(); !again)
    spdlog::error("http: {}; station screens, API and /metrics are unavailable", again.reason());
}

}  // namespace wedge
