#include "daemon/config/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "daemon/config/environment.hpp"
#include "daemon/config/schema.hpp"
#include "daemon/config/sources.hpp"
#include "daemon/config/validator.hpp"
#include "daemon/core/listen_address.hpp"
#include "daemon/mqtt/broker_uri.hpp"
#include "daemon/core/host_name.hpp"
#include "drivers/registry.hpp"

namespace wedge::config {

using drivers::Settings;

std::string ConfigError::to_string() const {
  if (line == 0) return fmt::format("{}: {}: {}", file, path, message);
  return fmt::format("{}:{}:{}: {}: {}", file, line, column, path, message);
}

bool StationConfig::has_step(std::string_view step) const {
  for (const auto& s : steps)
    if (s == step) return true;
  return false;
}

const DeviceConfig* Config::find_device(std::string_view id) const {
  for (const auto& device : devices)
    if (device.id == id) return &device;
  return nullptr;
}

const StationConfig* Config::find_station(std::string_view id) const {
  for (const auto& station : stations)
    if (station.id == id) return &station;
  return nullptr;
}

namespace {

const std::vector<std::string> kRoles = {"scanner", "scale", "printer", "light"};
const std::vector<std::string> kSteps = {"pick", "pack", "ship", "returns"};

// A printer may print for several stations (one queue per printer); a scanner, scale or light belongs
// to exactly one station, or scans and signals would reach the wrong picker.
bool role_is_shareable(const std::string& role) { return role == "printer"; }

void check_devices(const YAML::Node& node, Validator& v, Config& config) {
  if (!node) return;
  if (!node.IsSequence()) {
    v.error(node, "devices", "expected a list of devices, got " + describe(node));
    return;
  }
  std::map<std::string, std::string> first_path_of_id;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    const std::string path = fmt::format("devices[{}]", i);
    if (!entry.IsMap()) {
      v.error(entry, path, "expected a map, got " + describe(entry));
      continue;
    }
    DeviceConfig device;
    if (!entry["id"]) {
      v.error(entry, path + ".id", "missing required key 'id'");
    } else if (v.check_identifier(entry["id"], path + ".id", device.id)) {
      auto [it, inserted] = first_path_of_id.emplace(device.id, path);
      if (!inserted)
        v.error(entry["id"], path + ".id",
                fmt::format("duplicate device id '{}' (first used at {})", device.id, it->second));
    }
    // Without a valid kind and driver the other keys cannot be judged: report those two only, rather
    // than a cascade of "unknown key" errors caused by one typo.
    const YAML::Node kind = entry["kind"];
    const YAML::Node driver = entry["driver"];
    if (!kind) {
      v.error(entry, path + ".kind", "missing required key 'kind'");
      continue;
    }
    const auto& kinds = drivers::device_kinds();
    if (!kind.IsScalar() || std::find(kinds.begin(), kinds.end(), kind.Scalar()) == kinds.end()) {
      v.error(kind, path + ".kind", "expected one of scanner, scale, printer, light, got " + describe(kind));
      continue;
    }
    device.kind = kind.Scalar();
    if (!driver) {
      v.error(entry, path + ".driver", "missing required key 'driver'");
      continue;
    }
    if (!v.check_string(driver, path + ".driver", device.driver)) continue;
    const auto* info = drivers::find_driver(device.kind, device.driver);
    if (info == nullptr) {
      std::string list;
      for (const auto& d : drivers::driver_table())
        if (d.kind == device.kind) list += (list.empty() ? "" : ", ") + d.driver;
      v.error(driver, path + ".driver",
              fmt::format("unknown {} driver '{}' (available: {})", device.kind, device.driver,
                          list.empty() ? "none" : list));
      continue;
    }
    if (entry["description"]) v.check_string(entry["description"], path + ".description", device.description);
    device.settings = v.check_map(entry, *info->schema, path, {"id", "kind", "driver", "description"});
    config.devices.push_back(std::move(device));
  }
}

void check_stations(const YAML::Node& node, Validator& v, Config& config,
                    const std::map<std::string, std::string>& device_kinds) {
  if (!node) return;
  if (!node.IsSequence()) {
    v.error(node, "stations", "expected a list of stations, got " + describe(node));
    return;
  }
  std::map<std::string, std::string> first_path_of_id;
  // (device id) → (station id, role) of its first exclusive use
  std::map<std::string, std::pair<std::string, std::string>> device_owner;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    const std::string path = fmt::format("stations[{}]", i);
    if (!entry.IsMap()) {
      v.error(entry, path, "expected a map, got " + describe(entry));
      continue;
    }
    StationConfig station;
    std::vector<std::string> handled = {"id", "steps"};
    handled.insert(handled.end(), kRoles.begin(), kRoles.end());
    station.settings = v.check_map(entry, station_schema(), path, handled);

    if (!entry["id"]) {
      v.error(entry, path + ".id", "missing required key 'id'");
    } else if (v.check_identifier(entry["id"], path + ".id", station.id)) {
      auto [it, inserted] = first_path_of_id.emplace(station.id, path);
      if (!inserted)
        v.error(entry["id"], path + ".id",
                fmt::format("duplicate station id '{}' (first used at {})", station.id, it->second));
    }

    const YAML::Node steps = entry["steps"];
    if (!steps) {
      v.error(entry, path + ".steps", "missing required key 'steps'");
    } else if (!steps.IsSequence() || steps.size() == 0) {
      v.error(steps, path + ".steps", "expected a non-empty list of pick, pack, ship, returns, got " + describe(steps));
    } else {
      for (std::size_t s = 0; s < steps.size(); ++s) {
        const std::string step_path = fmt::format("{}.steps[{}]", path, s);
        const std::string step = steps[s].IsScalar() ? steps[s].Scalar() : "";
        if (std::find(kSteps.begin(), kSteps.end(), step) == kSteps.end()) {
          v.error(steps[s], step_path, "expected one of pick, pack, ship, returns, got " + describe(steps[s]));
        } else if (station.has_step(step)) {
          v.error(steps[s], step_path, "step '" + step + "' listed twice");
        } else {
          station.steps.push_back(step);
        }
      }
    }

    for (const auto& role : kRoles) {
      const YAML::Node ref = entry[role];
      if (!ref) continue;
      std::string device_id;
      if (!v.check_string(ref, path + "." + role, device_id)) continue;
      const auto kind = device_kinds.find(device_id);
      if (kind == device_kinds.end()) {
        v.error(ref, path + "." + role, fmt::format("no device with id '{}'", device_id));
        continue;
      }
      if (kind->second != role) {
        v.error(ref, path + "." + role,
                fmt::format("device '{}' is a {}, not a {}", device_id, kind->second, role));
        continue;
      }
      if (!role_is_shareable(role)) {
        auto [owner, inserted] = device_owner.emplace(device_id, std::make_pair(station.id, role));
        if (!inserted)
          v.error(ref, path + "." + role,
                  fmt::format("device '{}' is already the {} of station '{}'; a {} serves one "
                              "station only",
                              device_id, owner->second.second, owner->second.first, role));
      }
      if (role == "scanner") station.scanner = device_id;
      if (role == "scale") station.scale = device_id;
      if (role == "printer") station.printer = device_id;
      if (role == "light") station.light = device_id;
    }

    // The pack step weighs the parcel and prints its label: without these devices it cannot run.
    if (station.has_step("pack")) {
      if (!entry["scale"]) v.error(entry, path + ".scale", "step 'pack' needs a scale");
      if (!entry["printer"]) v.error(entry, path + ".printer", "step 'pack' needs a printer");
    }
    config.stations.push_back(std::move(station));
  }
}

// broker.uri, or broker.uris (the nodes of a cluster, every entry checked where it stands); the TLS
// files serve every node, so the nodes share one scheme and ca_file needs it to be mqtts://.
void check_broker_uris(const YAML::Node& broker, Validator& v) {
  std::vector<std::pair<YAML::Node, std::string>> entries;  // node, path
  if (broker["uri"] && broker["uris"]) {
    v.error(broker["uris"], "broker.uris", "give broker.uri or broker.uris, not both");
    return;
  }
  if (broker["uri"] && broker["uri"].IsScalar()) entries.emplace_back(broker["uri"], "broker.uri");
  if (broker["uris"] && broker["uris"].IsSequence()) {
    if (broker["uris"].size() == 0) v.error(broker["uris"], "broker.uris", "lists no broker");
    for (std::size_t i = 0; i < broker["uris"].size(); ++i)
      if (broker["uris"][i].IsScalar()) entries.emplace_back(broker["uris"][i], fmt::format("broker.uris[{}]", i));
  }
  std::optional<bool> tls;
  for (const auto& [node, path] : entries) {
    const auto parsed = mqtt::parse_broker_uri(node.Scalar());
    if (!parsed) {
      v.error(node, path, parsed.error().reason);
    } else if (!tls) {
      tls = parsed->tls;
    } else if (*tls != parsed->tls) {
      v.error(node, path, "all nodes need the same scheme (mqtt:// or mqtts://)");
    }
  }
  if (tls == false && broker["ca_file"]) v.error(broker["ca_file"], "broker.ca_file", "ca_file needs an mqtts:// uri");
}

LoadResult parse_sources(const std::vector<SourceText>& sources, const std::string& base_dir) {
  LoadResult result;
  MergedDocument merged(sources);
  if (!merged.ok()) {
    result.errors = std::move(merged.errors());
    return result;
  }
  const std::string& file_name = sources.front().file;
  YAML::Node doc = merged.root();
  Validator v(file_name, base_dir);
  if (sources.size() > 1) v.set_file_of([&merged](const YAML::Node& node) { return merged.file_of(node); });

  Config config;
  config.file = file_name;
  for (std::size_t i = 1; i < sources.size(); ++i) config.dropins.push_back(sources[i].file);
  drivers::Schema top;
  top.push_back(drivers::key_path("state_dir",
                                  "Directory for SQLite files (outbox, commands, print queue). "
                                  "When not set: `$STATE_DIRECTORY` (systemd's StateDirectory=, "
                                  "/var/lib/wedge in the packaged unit), else the default.",
                                  false, std::string(kDefaultStateDir)));
  for (const auto& section : top_level_sections())
    top.push_back(drivers::key_section(section.name, section.description, *section.schema));
  config.root = v.check_map(doc, top, "", {"site", "gateway", "devices", "stations"});

  for (const auto& [key, target] : {std::pair{"site", &config.site}, std::pair{"gateway", &config.gateway}}) {
    if (!doc[key]) v.error(doc, key, std::string("missing required key '") + key + "'");
    else v.check_identifier(doc[key], key, *target);
  }
  if (config.root.has("state_dir")) config.state_dir = config.root.get_string("state_dir");
  // A state_dir in the file wins over systemd's, which wins over the built-in default.
  if (!doc["state_dir"] || doc["state_dir"].IsNull()) {
    if (const auto from_systemd = state_directory()) {
      config.state_dir = *from_systemd;
      config.root.set("state_dir", *from_systemd);
    }
  }

  // Broker URI and HTTP listen address carry ports: check their shape and range here, where the
  // position of the value is still known.
  if (doc["broker"] && doc["broker"].IsMap()) check_broker_uris(doc["broker"], v);
  if (doc["http"] && doc["http"].IsMap() && doc["http"]["listen"] && doc["http"]["listen"].IsScalar()) {
    const YAML::Node listen = doc["http"]["listen"];
    const auto address = core::parse_listen_address(listen.Scalar());
    if (!address)
      v.error(listen, "http.listen", address.error().reason);
    else if (!address->loopback() && !doc["http"]["access_token_file"])
      v.error(listen, "http.listen", "listening on a non-loopback address requires http.access_token_file");
  }
  if (doc["http"] && doc["http"].IsMap() && doc["http"]["allowed_hosts"] &&
      doc["http"]["allowed_hosts"].IsSequence()) {
    const YAML::Node hosts = doc["http"]["allowed_hosts"];
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      if (!hosts[i].IsScalar()) continue;
      if (const auto host = core::normalize_allowed_host(hosts[i].Scalar()); !host)
        v.error(hosts[i], fmt::format("http.allowed_hosts[{}]", i), host.error().reason);
    }
  }
  if (config.root.has("broker")) {
    const auto& broker = config.root.section("broker");
    if (broker.has("reconnect_min_ms") && broker.has("reconnect_max_ms") &&
        broker.get_int("reconnect_min_ms") > broker.get_int("reconnect_max_ms"))
      v.error(doc["broker"]["reconnect_min_ms"] ? doc["broker"]["reconnect_min_ms"] : doc,
              "broker.reconnect_min_ms", "must not exceed broker.reconnect_max_ms");
    const YAML::Node credential = doc["broker"] ? doc["broker"]["credential"] : YAML::Node();
    if (credential && credential.IsScalar() && !credential.Scalar().empty()) {
      const std::string& name = credential.Scalar();
      if (name.find('/') != std::string::npos || name == "." || name == "..")
        v.error(credential, "broker.credential", "expected a credential name (no '/'), got " + describe(credential));
      else if (doc["broker"]["credentials_file"])
        v.error(credential, "broker.credential", "give broker.credential or broker.credentials_file, not both");
    }
    if (doc["broker"] && doc["broker"]["key_file"] && !doc["broker"]["cert_file"])
      v.error(doc["broker"]["key_file"], "broker.key_file", "key_file needs cert_file");
    if (doc["broker"] && doc["broker"]["cert_file"] && !doc["broker"]["key_file"])
      v.error(doc["broker"]["cert_file"], "broker.cert_file", "cert_file needs key_file");
  }

  check_devices(doc["devices"], v, config);
  std::map<std::string, std::string> device_kinds;
  for (const auto& device : config.devices) device_kinds[device.id] = device.kind;
  check_stations(doc["stations"], v, config, device_kinds);

  result.errors = std::move(v.errors());
  // Report in file order (main file, then the drop-ins), as a compiler does; checks run section by
  // section.
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [&merged](const ConfigError& a, const ConfigError& b) {
                     return std::tuple(merged.rank_of(a.file), a.line, a.column) <
                            std::tuple(merged.rank_of(b.file), b.line, b.column);
                   });
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace

LoadResult parse_config(const std::string& yaml_text, const std::string& file_name,
                        const std::string& base_dir) {
  return parse_sources({{file_name, yaml_text}}, base_dir);
}

LoadResult load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.errors.push_back({path, 0, 0, "(file)", std::string("cannot read: ") + std::strerror(errno)});
    return result;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto dropins = read_dropins(path);
  if (!dropins.errors.empty()) {
    LoadResult result;
    result.errors = std::move(dropins.errors);
    return result;
  }
  std::vector<SourceText> sources = {{path, text.str()}};
  for (auto& dropin : dropins.files) sources.push_back(std::move(dropin));
  // Relative paths resolve against the main file's directory, in drop-ins too: a drop-in says what
  // the main file would have said.
  const auto base = std::filesystem::path(path).parent_path().string();
  return parse_sources(sources, base.empty() ? "." : base);
}

}  // namespace wedge::config
