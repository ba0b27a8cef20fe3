// wedge: warehouse edge gateway daemon. Command line entry point.
//
// Exit codes: 0 success; 1 start-up failure (e.g. the state directory or broker credentials are
// unusable: daemon/startup_checks.hpp); 2 invalid command line or configuration, and from
// --check-config also any start-up problem.
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "daemon/app.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/environment.hpp"
#include "daemon/config/reference.hpp"
#include "daemon/core/log.hpp"
#include "daemon/startup_checks.hpp"
#include "daemon/version.hpp"

namespace {

constexpr std::string_view kUsage = R"(Usage: wedge --config [FILE]        run the daemon in the foreground (systemd style)
       wedge --check-config [FILE]  validate FILE and its drop-ins (FILE.d/*.yaml) and make every
                                    start-up check (files it names, their permissions, state_dir);
                                    exit 0 if fine, else 2 with every error
       wedge --config-reference     print the configuration reference (docs/configuration.md)
       wedge --version              print the version
       wedge --help                 print this help

FILE defaults to $CONFIGURATION_DIRECTORY/wedge.yaml (systemd's ConfigurationDirectory=), else
/etc/wedge/wedge.yaml.

wedge connects a warehouse station's scanners, scales, label printers and signal lights to the
order management system over MQTT. Logs go to stderr (the journal under systemd); there is no
fork and no PID file. Signals: SIGTERM/SIGINT stop within 5 s, SIGHUP re-reads the config.
Documentation: docs/configuration.md, docs/mqtt-api.md, docs/operations.md.
)";

int usage_error(const std::string& message) {
  std::cerr << "wedge: " << message << "\n" << kUsage;
  return 2;
}

int run_daemon(const std::string& path) {
  wedge::core::init_logging();
  auto result = wedge::config::load_config(path);
  if (!result.config) {
    for (const auto& error : result.errors) spdlog::error("config: {}", error.to_string());
    spdlog::error("refusing to start: {} configuration errors", result.errors.size());
    return 2;
  }
  const auto& log = result.config->section("log");
  wedge::core::init_logging(wedge::core::parse_log_level(log.get_string("level")).value_or(spdlog::level::info),
                            wedge::core::parse_log_target(log.get_string("target")).value_or(wedge::core::LogTarget::automatic));
  if (const auto problems = wedge::startup_problems(*result.config); !problems.empty()) {
    for (const auto& problem : problems) spdlog::error("start-up: {}", problem);
    spdlog::critical("refusing to start: {} start-up problems (wedge --check-config {} lists them)",
                     problems.size(), path);
    return 1;
  }
  try {
    wedge::App app(std::move(*result.config));
    return app.run();
  } catch (const std::exception& e) {
    spdlog::critical("start-up failed: {}", e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("no command given");
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "--version") {
    std::cout << "wedge " << wedge::kVersion << "\n";
    return 0;
  }
  if (command == "--config-reference") {
    std::cout << wedge::config::config_reference_markdown();
    return 0;
  }
  if (command == "--config" || command == "--check-config") {
    if (argc > 3) return usage_error(std::string(command) + " takes one FILE at most");
    const std::string path = argc == 3 ? argv[2] : wedge::config::default_config_file();
    return command == "--config" ? run_daemon(path) : wedge::check_config_command(path, std::cout, std::cerr);
  }
  return usage_error("unknown option '" + std::string(command) + "'");
}
