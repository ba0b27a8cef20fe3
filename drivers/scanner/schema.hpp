// Config keys of the scanner drivers (serial, tcp, evdev), declared once, and their parsing into
// typed configs.
//
// The schemas feed the config validator, `wedge --config-reference` and docs/drivers/scanner.md.
// parse_*_config() read a validated Settings object; a key the Settings lack takes the schema default
// (so hand-built Settings in tests and tools work), and values the schema cannot express
// (terminator syntax, gs_substitute length, host required in client mode) are checked here: an error
// is returned as text, and the driver reports it as a `faulted` health reason.
// Pure; any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/core/result.hpp"
#include "drivers/common/settings.hpp"
#include "drivers/scanner/framer.hpp"
#include "drivers/scanner/scanner.hpp"

namespace wedge::drivers::scanner {

const Schema& serial_schema();
const Schema& tcp_schema();
const Schema& evdev_schema();

struct CommonConfig {
  ScanOptions scan;
  std::size_t max_length = 4096;
  std::chrono::milliseconds inter_char_timeout{200};
  std::chrono::milliseconds reconnect_initial{500};
  std::chrono::milliseconds reconnect_max{10000};
};

struct SerialConfig {
  CommonConfig common;
  std::string path;  // may be a glob
  unsigned baud = 9600;
  std::string parity = "none";
  unsigned data_bits = 8;
  std::string stop_bits = "1";
  std::string flow_control = "none";
  Terminator terminator;
};

struct TcpConfig {
  CommonConfig common;
  bool listen = false;
  std::string host;
  std::uint16_t port = 0;
  std::string bind_address = "0.0.0.0";
  Terminator terminator;
  int keepalive_s = 10;
  std::chrono::milliseconds idle_timeout{0};
  std::chrono::milliseconds connect_timeout{5000};
};

struct EvdevConfig {
  CommonConfig common;
  std::string path;  // may be a glob
  bool grab = true;
  std::string layout = "us";
  char gs_byte = '\x1d';
  bool end_on_tab = false;
};

// Each returns the config, or Errc::invalid_argument with the reason it is unusable.
core::Result<SerialConfig> parse_serial_config(const Settings& settings);
core::Result<TcpConfig> parse_tcp_config(const Settings& settings);
core::Result<EvdevConfig> parse_evdev_config(const Settings& settings);

// The parsed config, or the defaults when it is unusable (the driver then only reports the reason).
template <class Config>
Config config_or_defaults(const core::Result<Config>& parsed) {
  return parsed ? *parsed : Config{};
}

}  // namespace wedge::drivers::scanner
