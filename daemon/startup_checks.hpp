// The checks start-up makes before anything runs, in one place for both entry points: `wedge
// --config FILE` refuses to start on any of them (exit 1) and `wedge --check-config FILE` reports
// them all (exit 2), so a configuration that passes --check-config also starts — as long as it is
// run as the service user, since readable and writable are that user's view (docs/operations.md).
//
// What they cover beyond the config file's own validation (config::load_config): state_dir (a
// writable directory, or one that can be made, and its files writable), the broker link
// (mqtt::startup_problems: TLS files, private key and credentials file modes and contents), the
// HTTP listen address and access token file, printing.template_dir when a printer is configured,
// and the SSCC settings.
//
// Reads the file system only; call before the App exists, on any thread.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/mqtt/link_options.hpp"

namespace wedge {

// The broker link's settings from the `broker:` section (and site, gateway, state_dir).
[[nodiscard]] mqtt::LinkOptions link_options(const config::Config& config);

// Every problem that would stop start-up, one sentence each; empty when start-up can go on.
[[nodiscard]] std::vector<std::string> startup_problems(const config::Config& config);

// `wedge --check-config FILE` and `wedgectl check-config FILE`: loads FILE with its drop-ins, prints
// every configuration error and start-up problem to `err` and returns 2, or prints
// "FILE: valid (…)" to `out` and returns 0.
[[nodiscard]] int check_config_command(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace wedge
