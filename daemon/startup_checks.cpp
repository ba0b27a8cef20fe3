#include "daemon/startup_checks.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <ostream>

#include "daemon/config/environment.hpp"
#include "daemon/http/http_options.hpp"
#include "daemon/print/schema.hpp"
#include "daemon/print/sscc.hpp"
#include "daemon/version.hpp"

namespace wedge {

namespace fs = std::filesystem;

namespace {

// The daemon creates a missing state_dir (App): then its nearest existing parent must let it. An
// existing one must be a directory whose files (the SQLite databases) it may write.
void check_state_dir(const std::string& path, std::vector<std::string>& problems) {
  std::error_code ec;
  fs::path existing = path.empty() ? fs::path(".") : fs::path(path);
  while (!fs::exists(existing, ec) && existing.has_relative_path() && existing.has_parent_path())
    existing = existing.parent_path();
  if (!fs::is_directory(existing, ec)) {
    problems.push_back(fmt::format("state_dir {}: {} is not a directory", path, existing.string()));
    return;
  }
  if (::access(existing.c_str(), W_OK | X_OK) != 0) {
    problems.push_back(fmt::format("state_dir {}: cannot write in {}: {}", path, existing.string(), std::strerror(errno)));
    return;
  }
  if (existing != fs::path(path)) return;  // made at start-up: nothing in it yet
  for (const auto& entry : fs::directory_iterator(existing, ec))
    if (entry.is_regular_file(ec) && ::access(entry.path().c_str(), R_OK | W_OK) != 0)
      problems.push_back(fmt::format("state_dir {}: cannot write {}: {}", path, entry.path().string(), std::strerror(errno)));
  if (ec) problems.push_back(fmt::format("state_dir {}: cannot list it: {}", path, ec.message()));
}

// Labels are made from the templates in this folder (daemon/print/template_path.hpp); without a
// printer nothing reads it.
void check_template_dir(const config::Config& config, std::vector<std::string>& problems) {
  const bool has_printer = std::any_of(config.devices.begin(), config.devices.end(),
                                       [](const config::DeviceConfig& d) { return d.kind == "printer"; });
  if (!has_printer) return;
  const std::string dir = config.section("printing").get_string("template_dir");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    problems.push_back(fmt::format("printing.template_dir {}: not a directory (the label templates live there)", dir));
  else if (::access(dir.c_str(), R_OK | X_OK) != 0)
    problems.push_back(fmt::format("printing.template_dir {}: cannot be read: {}", dir, std::strerror(errno)));
}

}  // namespace

mqtt::LinkOptions link_options(const config::Config& config) {
  const auto& b = config.section("broker");
  mqtt::LinkOptions o;
  o.broker_uri = b.get_string("uri");
  if (b.has("uris")) o.broker_uris = b.get_string_list("uris");
  o.client_id = b.get_string("client_id");
  o.mqtt_version = b.get_string("mqtt_version");
  o.keepalive_s = static_cast<int>(b.get_int("keepalive_s"));
  o.session_expiry_s = b.get_int("session_expiry_s");
  o.connect_timeout_s = static_cast<int>(b.get_int("connect_timeout_s"));
  o.reconnect_min_ms = static_cast<int>(b.get_int("reconnect_min_ms"));
  o.reconnect_max_ms = static_cast<int>(b.get_int("reconnect_max_ms"));
  o.inflight_window = static_cast<int>(b.get_int("inflight_window"));
  o.topic_prefix = b.get_string("topic_prefix");
  o.ca_file = b.get_string_or("ca_file", "");
  o.cert_file = b.get_string_or("cert_file", "");
  o.key_file = b.get_string_or("key_file", "");
  o.credentials_file = b.get_string_or("credentials_file", "");
  // A systemd credential is a file in the directory systemd made for this run of the service.
  // Without $CREDENTIALS_DIRECTORY, startup_problems() says so.
  if (const auto name = b.get_string("credential"); !name.empty())
    if (const auto dir = config::credentials_directory()) o.credentials_file = (fs::path(*dir) / name).string();
  o.max_command_bytes = static_cast<std::size_t>(b.get_int("max_command_bytes"));
  o.replay_rate_per_s = static_cast<double>(b.get_int("replay_rate_per_s"));
  o.replay_burst = static_cast<int>(b.get_int("replay_burst"));
  o.site = config.site;
  o.gateway = config.gateway;
  o.state_dir = config.state_dir;
  o.version = kVersion;
  return o;
}

std::vector<std::string> startup_problems(const config::Config& config) {
  std::vector<std::string> problems;
  check_state_dir(config.state_dir, problems);
  if (const auto name = config.section("broker").get_string("credential");
      !name.empty() && !config::credentials_directory())
    problems.push_back(fmt::format(
        "broker.credential {}: $CREDENTIALS_DIRECTORY is not set; run wedge from its unit "
        "(LoadCredential=) or use broker.credentials_file",
        name));
  for (auto& problem : mqtt::startup_problems(link_options(config))) problems.push_back(std::move(problem));
  const auto& http_section = config.section("http");
  const auto http_options =
      http::make_options(http_section.get_string("listen"), http_section.get_string_or("access_token_file", ""));
  if (!http_options) problems.push_back("http: " + http_options.error().reason);
  check_template_dir(config, problems);
  const auto& printing = config.section("printing");
  if (printing.has("gs1_company_prefix"))
    if (auto checked = print::check_sscc_options(print::sscc_options(printing, config.state_dir)); !checked)
      problems.push_back(checked.error().reason);
  return problems;
}

int check_config_command(const std::string& path, std::ostream& out, std::ostream& err) {
  auto result = config::load_config(path);
  for (const auto& error : result.errors) err << error.to_string() << "\n";
  if (!result.config) return 2;
  // The same checks start-up makes, so that "valid" here means the daemon starts.
  const auto problems = startup_problems(*result.config);
  for (const auto& problem : problems) err << path << ": " << problem << "\n";
  if (!problems.empty()) return 2;
  out << path << ": valid (" << result.config->devices.size() << " devices, " << result.config->stations.size()
      << " stations";
  if (!result.config->dropins.empty()) out << ", " << result.config->dropins.size() << " drop-ins";
  out << ")\n";
  return 0;
}

}  // namespace wedge
