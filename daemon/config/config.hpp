// The validated configuration of one gateway, and the loader that produces it.
//
// load_config() reads a YAML file and checks it completely: every error is collected, not only the
// first, each as `FILE:LINE:COL: key.path: message` (redis config.c style). A Config exists only when
// there is no error, so code that receives one never re-checks it. Defaults are filled in; a missing
// optional key is never an error.
//
// Pure apart from reading the file and checking that referenced files are readable; thread-agnostic.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "drivers/common/settings.hpp"

namespace wedge::config {

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when the error has no position (e.g. unreadable file)
  int column = 0;  // 1-based
  std::string path;     // key path, e.g. devices[2].baud
  std::string message;  // e.g. "expected integer, got 'fast'"

  std::string to_string() const;  // FILE:LINE:COL: key.path: message
};

struct DeviceConfig {
  std::string id;
  std::string kind;    // scanner | scale | printer | light
  std::string driver;  // see drivers/registry.cpp
  std::string description;
  drivers::Settings settings;  // the driver's declared keys, defaults filled in
};

// The device roles a station can use, and how many stations may share one device in that role.
struct StationConfig {
  std::string id;
  std::vector<std::string> steps;  // among pick, pack, ship, returns, in workflow order
  std::string scanner;             // device ids; empty when the station has none in that role
  std::string scale;
  std::string printer;
  std::string light;
  drivers::Settings settings;      // the remaining station keys (time limits, …)

  bool has_step(std::string_view step) const;
};

struct Config {
  std::string file;        // the path it was loaded from
  std::vector<std::string> dropins;  // the drop-ins merged over it, in order (daemon/config/sources.hpp)
  std::string site;
  std::string gateway;
  std::string state_dir;
  drivers::Settings root;  // every top-level section: root.section("broker"), …
  std::vector<DeviceConfig> devices;
  std::vector<StationConfig> stations;

  const drivers::Settings& section(std::string_view name) const { return root.section(name); }
  const DeviceConfig* find_device(std::string_view id) const;
  const StationConfig* find_station(std::string_view id) const;
};

struct LoadResult {
  std::optional<Config> config;
  std::vector<ConfigError> errors;
};

// Reads `path` and its drop-ins (`path`.d/*.yaml, merged in lexical order: daemon/config/sources.hpp)
// and validates the result; each error names the file that holds the value. Relative paths inside
// the file and its drop-ins are resolved against the main file's directory. A state_dir not set in
// them defaults to $STATE_DIRECTORY, else /var/lib/wedge (daemon/config/environment.hpp).
LoadResult load_config(const std::string& path);

// Validates YAML text as if it were the file `file_name` in directory `base_dir`, without drop-ins
// (for tests).
LoadResult parse_config(const std::string& yaml_text, const std::string& file_name,
                        const std::string& base_dir);

}  // namespace wedge::config
