// The declared keys of the top-level configuration sections (log, broker, outbox, http, …) and of a
// station entry. Device keys are declared by each driver (drivers/registry.hpp). The validator and
// docs/configuration.md (`wedge --config-reference`) both come from these tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "drivers/common/settings.hpp"

namespace wedge::config {

struct SectionInfo {
  std::string name;
  std::string description;
  const drivers::Schema* schema;
};

// Top-level sections in file order, e.g. {"broker", "Connection to the MQTT broker…", &schema}.
const std::vector<SectionInfo>& top_level_sections();

// Why a change of the section key at `path` ("outbox.max_events", "kpi.targets.picks_per_hour_min")
// waits for the next restart; empty when a reload applies it at once (daemon/config/config_diff.hpp).
// docs/configuration.md shows it for every key. Device and station keys all apply at once.
std::string_view restart_reason(std::string_view path);

// Keys of a station entry besides id, steps and the device roles.
const drivers::Schema& station_schema();

// Keys common to every device entry (id, kind, driver, description).
const drivers::Schema& device_common_schema();

}  // namespace wedge::config
