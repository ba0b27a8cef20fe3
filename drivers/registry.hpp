// The table of compiled-in device drivers: which (kind, driver) pairs exist and the config keys
// each declares. The config validator checks every `devices[]` entry against the schema found here,
// and `wedge --config-reference` prints docs/configuration.md from it. No dlopen: a driver is added
// by one line in registry.cpp.
#pragma once

#include <string>
#include <vector>

#include "drivers/common/settings.hpp"

namespace wedge::drivers {

struct DriverInfo {
  std::string kind;         // scanner | scale | printer | light
  std::string driver;       // e.g. serial, tcp, evdev, modbus-tcp, modbus-rtu, mt-sics, zpl-tcp …
  std::string description;  // one line for the docs
  const Schema* schema;     // keys besides the common id/kind/driver/description
};

const std::vector<DriverInfo>& driver_table();
const DriverInfo* find_driver(std::string_view kind, std::string_view driver);
const std::vector<std::string>& device_kinds();

}  // namespace wedge::drivers
