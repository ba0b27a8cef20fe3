#include "drivers/registry.hpp"

// One include and one table row per driver. Keep rows grouped by kind.
// (scanner rows)
// (scale rows)
// (printer rows)
// (light rows)

namespace wedge::drivers {

const std::vector<DriverInfo>& driver_table() {
  static const std::vector<DriverInfo> table = {
      // {kind, driver, description, &schema}
  };
  return table;
}

const DriverInfo* find_driver(std::string_view kind, std::string_view driver) {
  for (const auto& info : driver_table())
    if (info.kind == kind && info.driver == driver) return &info;
  return nullptr;
}

const std::vector<std::string>& device_kinds() {
  static const std::vector<std::string> kinds = {"scanner", "scale", "printer", "light"};
  return kinds;
}

}  // namespace wedge::drivers
