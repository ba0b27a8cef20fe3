// What a reload changes: the difference between the running configuration and a newly loaded one,
// key by key, with each change classified as applied at once or left for the next restart.
//
// The schema says which of the two each key of the top-level sections is (restart_reason(),
// daemon/config/schema.hpp), and docs/configuration.md shows it. `site`, `gateway` and `state_dir`
// wait for the restart. Devices and stations are compared entry by entry: an entry is added, removed or changed
// (any of its keys), and every device and station change applies at once (a changed device is
// rebuilt and reconnects).
//
// Pure functions over two validated Configs; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config.hpp"

namespace wedge::config {

// Why these top-level keys wait for the restart (docs/configuration.md).
inline constexpr std::string_view kIdsRestart = "they are topic levels: the OMS knows the gateway by them";
inline constexpr std::string_view kStateDirRestart = "every database of the gateway is open there";

// One changed key of the top level or of a top-level section, e.g. "broker.uri", "kpi.targets".
struct KeyChange {
  std::string path;
  std::string restart_reason;  // why it waits for the restart; empty: applied at once
};

// The ids of the entries of one list (devices or stations) that a reload adds, removes or changes.
struct EntryChanges {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> changed;

  [[nodiscard]] bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
  // "added a, b; removed c; changed d" (only the non-empty parts).
  [[nodiscard]] std::string summary() const;
};

struct ConfigDiff {
  std::vector<KeyChange> keys;  // in schema order
  EntryChanges devices;
  EntryChanges stations;

  [[nodiscard]] bool empty() const { return keys.empty() && devices.empty() && stations.empty(); }
  // A key of `section` (or the section itself) changed and applies at once.
  [[nodiscard]] bool applies_at_once(std::string_view section) const;
  // The changed keys that wait for the restart.
  [[nodiscard]] std::vector<KeyChange> left_for_restart() const;
};

[[nodiscard]] ConfigDiff diff_configs(const Config& running, const Config& next);

// The configuration to run on after the reload: `next`, with every key that waits for the restart
// at its running value, so that what the daemon shows and does agree until the restart.
[[nodiscard]] Config effective_config(const Config& running, Config next);

}  // namespace wedge::config
