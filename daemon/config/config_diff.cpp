#include "daemon/config/config_diff.hpp"

#include <algorithm>
#include <map>

#include "daemon/config/schema.hpp"
#include "drivers/registry.hpp"

namespace wedge::config {

namespace {

using drivers::KeySpec;
using drivers::Schema;
using drivers::Settings;
using drivers::ValueType;

const Settings kNoSettings;

const Settings& section_or_none(const Settings& settings, std::string_view key) {
  return settings.has(key) ? settings.section(key) : kNoSettings;
}

bool same_settings(const Settings& a, const Settings& b, const Schema& schema);

bool same_key(const Settings& a, const Settings& b, const KeySpec& spec) {
  const auto& key = spec.name;
  if (spec.type == ValueType::section)
    return same_settings(section_or_none(a, key), section_or_none(b, key), *spec.sub);
  if (a.has(key) != b.has(key)) return false;
  if (!a.has(key)) return true;
  switch (spec.type) {
    case ValueType::string:
    case ValueType::choice:
    case ValueType::path: return a.get_string(key) == b.get_string(key);
    case ValueType::integer: return a.get_int(key) == b.get_int(key);
    case ValueType::number: return a.get_number(key) == b.get_number(key);
    case ValueType::boolean: return a.get_bool(key) == b.get_bool(key);
    case ValueType::string_list: return a.get_string_list(key) == b.get_string_list(key);
    case ValueType::integer_list: return a.get_int_list(key) == b.get_int_list(key);
    case ValueType::table: {
      const auto& ta = a.table(key);
      const auto& tb = b.table(key);
      return std::equal(ta.begin(), ta.end(), tb.begin(), tb.end(), [&spec](const auto& x, const auto& y) {
        return x.first == y.first && same_settings(x.second, y.second, *spec.sub);
      });
    }
    case ValueType::section: break;  // handled above
  }
  return true;
}

bool same_settings(const Settings& a, const Settings& b, const Schema& schema) {
  return std::all_of(schema.begin(), schema.end(), [&](const KeySpec& spec) { return same_key(a, b, spec); });
}

// The changed keys below `prefix`, nested sections key by key.
void diff_keys(const Settings& a, const Settings& b, const Schema& schema, const std::string& prefix,
               std::vector<KeyChange>& out) {
  for (const auto& spec : schema) {
    const std::string path = prefix + spec.name;
    if (spec.type == ValueType::section) {
      diff_keys(section_or_none(a, spec.name), section_or_none(b, spec.name), *spec.sub, path + ".", out);
    } else if (!same_key(a, b, spec)) {
      out.push_back({path, std::string(restart_reason(path))});
    }
  }
}

// Copies `spec`'s value, when `from` has one, into `to`.
void copy_key(const Settings& from, Settings& to, const KeySpec& spec) {
  const auto& key = spec.name;
  if (!from.has(key)) return;
  switch (spec.type) {
    case ValueType::string:
    case ValueType::choice:
    case ValueType::path: to.set(key, from.get_string(key)); break;
    case ValueType::integer: to.set(key, from.get_int(key)); break;
    case ValueType::number: to.set(key, from.get_number(key)); break;
    case ValueType::boolean: to.set(key, from.get_bool(key)); break;
    case ValueType::string_list: to.set(key, from.get_string_list(key)); break;
    case ValueType::integer_list: to.set(key, from.get_int_list(key)); break;
    case ValueType::table: to.set_table(key, from.table(key)); break;
    case ValueType::section: to.set_section(key, from.section(key)); break;
  }
}

// `next`, with the keys below `prefix` that wait for the restart taken from `running`.
Settings keep_restart_keys(const Settings& running, const Settings& next, const Schema& schema,
                           const std::string& prefix) {
  Settings out;
  for (const auto& spec : schema) {
    const std::string path = prefix + spec.name;
    if (spec.type == ValueType::section) {
      if (running.has(spec.name) || next.has(spec.name))
        out.set_section(spec.name, keep_restart_keys(section_or_none(running, spec.name),
                                                     section_or_none(next, spec.name), *spec.sub, path + "."));
    } else {
      copy_key(restart_reason(path).empty() ? next : running, out, spec);
    }
  }
  return out;
}

template <typename Entry, typename Same>
EntryChanges diff_entries(const std::vector<Entry>& running, const std::vector<Entry>& next, Same same) {
  EntryChanges changes;
  std::map<std::string, const Entry*> before;
  for (const auto& entry : running) before.emplace(entry.id, &entry);
  for (const auto& entry : next) {
    const auto it = before.find(entry.id);
    if (it == before.end()) changes.added.push_back(entry.id);
    else if (!same(*it->second, entry)) changes.changed.push_back(entry.id);
    if (it != before.end()) before.erase(it);
  }
  for (const auto& entry : running)
    if (before.count(entry.id) != 0) changes.removed.push_back(entry.id);
  return changes;
}

bool same_device(const DeviceConfig& a, const DeviceConfig& b) {
  if (a.kind != b.kind || a.driver != b.driver || a.description != b.description) return false;
  const auto* info = drivers::find_driver(a.kind, a.driver);
  return info != nullptr && same_settings(a.settings, b.settings, *info->schema);
}

bool same_station(const StationConfig& a, const StationConfig& b) {
  return a.steps == b.steps && a.scanner == b.scanner && a.scale == b.scale && a.printer == b.printer &&
         a.light == b.light && same_settings(a.settings, b.settings, station_schema());
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::string EntryChanges::summary() const {
  std::string out;
  for (const auto& [verb, ids] : {std::pair{"added ", &added}, std::pair{"removed ", &removed},
                                  std::pair{"changed ", &changed}})
    if (!ids->empty()) out += (out.empty() ? "" : "; ") + std::string(verb) + join(*ids);
  return out;
}

bool ConfigDiff::applies_at_once(std::string_view section) const {
  return std::any_of(keys.begin(), keys.end(), [section](const KeyChange& change) {
    return change.restart_reason.empty() && change.path.size() > section.size() &&
           change.path.compare(0, section.size(), section) == 0 && change.path[section.size()] == '.';
  });
}

std::vector<KeyChange> ConfigDiff::left_for_restart() const {
  std::vector<KeyChange> out;
  std::copy_if(keys.begin(), keys.end(), std::back_inserter(out),
               [](const KeyChange& change) { return !change.restart_reason.empty(); });
  return out;
}

ConfigDiff diff_configs(const Config& running, const Config& next) {
  ConfigDiff diff;
  if (running.site != next.site) diff.keys.push_back({"site", std::string(kIdsRestart)});
  if (running.gateway != next.gateway) diff.keys.push_back({"gateway", std::string(kIdsRestart)});
  if (running.state_dir != next.state_dir) diff.keys.push_back({"state_dir", std::string(kStateDirRestart)});
  for (const auto& section : top_level_sections())
    diff_keys(section_or_none(running.root, section.name), section_or_none(next.root, section.name),
              *section.schema, section.name + ".", diff.keys);
  diff.devices = diff_entries(running.devices, next.devices, same_device);
  diff.stations = diff_entries(running.stations, next.stations, same_station);
  return diff;
}

Config effective_config(const Config& running, Config next) {
  next.site = running.site;
  next.gateway = running.gateway;
  next.state_dir = running.state_dir;
  Settings root;
  root.set("state_dir", running.state_dir);
  for (const auto& section : top_level_sections())
    if (running.root.has(section.name) || next.root.has(section.name))
      root.set_section(section.name, keep_restart_keys(section_or_none(running.root, section.name),
                                                       section_or_none(next.root, section.name),
                                                       *section.schema, section.name + "."));
  next.root = std::move(root);
  return next;
}

}  // namespace wedge::config
