// The directories systemd hands a service in its environment (systemd.exec(5), "Environment
// variables in spawned processes"), and the defaults wedge takes from them.
//
// Precedence, everywhere: a value written in the configuration (or `--config FILE` on the command
// line) > the variable systemd set > the built-in default. So a site that names its state_dir keeps
// it, and the packaged unit (StateDirectory=wedge, ConfigurationDirectory=wedge,
// LoadCredential=…) needs no path in the configuration at all.
//
// Reads the process environment only; any thread, but the environment must not change meanwhile.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wedge::config {

inline constexpr std::string_view kDefaultStateDir = "/var/lib/wedge";
inline constexpr std::string_view kDefaultConfigFile = "/etc/wedge/wedge.yaml";
inline constexpr std::string_view kConfigFileName = "wedge.yaml";

// The first directory of a systemd list variable ("/var/lib/wedge:/var/lib/other" → the first), or
// nullopt when `value` is null or empty. Pure.
[[nodiscard]] std::optional<std::string> first_directory(const char* value);

// $STATE_DIRECTORY (StateDirectory=), $CONFIGURATION_DIRECTORY (ConfigurationDirectory=) and
// $CREDENTIALS_DIRECTORY (LoadCredential=), first entry; nullopt when unset or empty.
[[nodiscard]] std::optional<std::string> state_directory();
[[nodiscard]] std::optional<std::string> configuration_directory();
[[nodiscard]] std::optional<std::string> credentials_directory();

// state_dir when the configuration names none: $STATE_DIRECTORY, else /var/lib/wedge.
[[nodiscard]] std::string default_state_dir();

// The configuration file when the command line names none: $CONFIGURATION_DIRECTORY/wedge.yaml,
// else /etc/wedge/wedge.yaml.
[[nodiscard]] std::string default_config_file();

}  // namespace wedge::config
