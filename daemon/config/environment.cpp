#include "daemon/config/environment.hpp"

#include <cstdlib>
#include <filesystem>

namespace wedge::config {

std::optional<std::string> first_directory(const char* value) {
  if (value == nullptr) return std::nullopt;
  // systemd joins several directories of one setting with ':' (StateDirectory=a b).
  const std::string_view text(value);
  const std::string first(text.substr(0, text.find(':')));
  if (first.empty()) return std::nullopt;
  return first;
}

std::optional<std::string> state_directory() { return first_directory(std::getenv("STATE_DIRECTORY")); }

std::optional<std::string> configuration_directory() {
  return first_directory(std::getenv("CONFIGURATION_DIRECTORY"));
}

std::optional<std::string> credentials_directory() {
  return first_directory(std::getenv("CREDENTIALS_DIRECTORY"));
}

std::string default_state_dir() { return state_directory().value_or(std::string(kDefaultStateDir)); }

std::string default_config_file() {
  if (const auto dir = configuration_directory()) return (std::filesystem::path(*dir) / kConfigFileName).string();
  return std::string(kDefaultConfigFile);
}

}  // namespace wedge::config
