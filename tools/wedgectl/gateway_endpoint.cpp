#include "tools/wedgectl/gateway_endpoint.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/config/sources.hpp"
#include "daemon/core/listen_address.hpp"

namespace wedge::ctl {

namespace {

// The defaults of the http section (daemon/config/schema.cpp).
constexpr const char* kDefaultListen = "127.0.0.1:8080";

std::string scalar_or(const YAML::Node& map, const char* key, std::string fallback) {
  if (!map || !map.IsMap()) return fallback;
  const YAML::Node value = map[key];
  return value && value.IsScalar() ? value.Scalar() : fallback;
}

}  // namespace

std::optional<GatewayEndpoint> gateway_endpoint(const std::string& config_file, std::string* error) {
  std::ifstream in(config_file, std::ios::binary);
  if (!in) {
    *error = "cannot read " + config_file;
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::vector<config::SourceText> sources = {{config_file, text.str()}};
  auto dropins = config::read_dropins(config_file);
  for (auto& dropin : dropins.files) sources.push_back(std::move(dropin));
  config::MergedDocument merged(sources);
  if (!merged.ok()) {
    *error = merged.errors().front().to_string();
    return std::nullopt;
  }
  const YAML::Node http = merged.root()["http"];
  const auto listen = core::parse_listen_address(scalar_or(http, "listen", kDefaultListen));
  if (!listen) {
    *error = listen.reason();
    return std::nullopt;
  }
  // A gateway listening on every address answers on loopback too.
  std::string host = listen->host;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  GatewayEndpoint endpoint;
  endpoint.url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                 std::to_string(listen->port);
  endpoint.token_file = scalar_or(http, "access_token_file", "");
  // Relative paths in the configuration are relative to its directory (docs/configuration.md).
  if (!endpoint.token_file.empty() && std::filesystem::path(endpoint.token_file).is_relative())
    endpoint.token_file = (std::filesystem::path(config_file).parent_path() / endpoint.token_file).string();
  return endpoint;
}

}  // namespace wedge::ctl
