#include "daemon/config/validator.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>

namespace wedge::config {

using drivers::KeySpec;
using drivers::Schema;
using drivers::Settings;
using drivers::ValueType;

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: return "nothing";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
  }
  return "?";
}

std::string closest(const std::string& name, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& candidate : candidates) {
    const auto d = distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

void Validator::error(const YAML::Mark& at, const std::string& path, const std::string& message) {
  // yaml-cpp marks are 0-based; editors and compilers count from 1.
  errors_.push_back({file_, at.line + 1, at.column + 1, path, message});
}

void Validator::error(const YAML::Node& at, const std::string& path, const std::string& message) {
  if (!file_of_) return error(at.Mark(), path, message);
  const YAML::Mark mark = at.Mark();
  errors_.push_back({file_of_(at), mark.line + 1, mark.column + 1, path, message});
}

void Validator::error_nowhere(const std::string& path, const std::string& message) {
  errors_.push_back({file_, 0, 0, path, message});
}

std::string Validator::resolve(const std::string& path) const {
  if (path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(base_dir_) / path).lexically_normal().string();
}

namespace {

bool parse_int(const std::string& text, std::int64_t& out) {
  std::string_view view = text;
  if (!view.empty() && view.front() == '+') view.remove_prefix(1);
  int base = 10;
  bool negative = false;
  if (!view.empty() && view.front() == '-') {
    negative = true;
    view.remove_prefix(1);
  }
  if (view.size() > 2 && view[0] == '0' && (view[1] == 'x' || view[1] == 'X')) {
    base = 16;
    view.remove_prefix(2);
  }
  if (view.empty()) return false;
  std::uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(view.data(), view.data() + view.size(), magnitude, base);
  if (ec != std::errc() || ptr != view.data() + view.size()) return false;
  if (magnitude > static_cast<std::uint64_t>(INT64_MAX)) return false;
  out = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
  return true;
}

bool parse_number(const std::string& text, double& out) {
  try {
    std::size_t used = 0;
    out = std::stod(text, &used);
    return used == text.size() && std::isfinite(out);
  } catch (const std::exception&) {
    return false;
  }
}

bool parse_bool(const std::string& text, bool& out) {
  static const std::set<std::string> yes = {"true", "True", "TRUE", "yes", "Yes", "on", "On"};
  static const std::set<std::string> no = {"false", "False", "FALSE", "no", "No", "off", "Off"};
  if (yes.count(text)) return out = true, true;
  if (no.count(text)) return out = false, true;
  return false;
}

std::string format_bound(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    return fmt::format("{}", static_cast<long long>(value));
  return fmt::format("{}", value);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

bool Validator::check_string(const YAML::Node& node, const std::string& path, std::string& out) {
  if (!node.IsScalar()) {
    error(node, path, "expected a string, got " + describe(node));
    return false;
  }
  out = node.Scalar();
  return true;
}

bool Validator::check_identifier(const YAML::Node& node, const std::string& path,
                                 std::string& out) {
  if (!check_string(node, path, out)) return false;
  // Ids become MQTT topic levels and log tags: no '/', '+', '#', spaces or control bytes.
  const bool ok = !out.empty() && out.size() <= 64 &&
                  std::all_of(out.begin(), out.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
                  });
  if (!ok) {
    error(node, path,
          "expected an id of 1 to 64 letters, digits, '_', '-' or '.', got " + describe(node));
    return false;
  }
  return true;
}

bool Validator::check_value(const YAML::Node& node, const KeySpec& spec, const std::string& path,
                            Settings& out) {
  const auto range_error = [&](const std::string& got) {
    error(node, path,
          fmt::format("value {} out of range {}..{}", got, format_bound(spec.min),
                      format_bound(spec.max)));
  };
  switch (spec.type) {
    case ValueType::string: {
      std::string text;
      if (!check_string(node, path, text)) return false;
      out.set(spec.name, text);
      return true;
    }
    case ValueType::path: {
      std::string text;
      if (!check_string(node, path, text)) return false;
      const std::string resolved = resolve(text);
      if (spec.must_exist && ::access(resolved.c_str(), R_OK) != 0) {
        error(node, path, fmt::format("cannot read file '{}': {}", resolved, std::strerror(errno)));
        return false;
      }
      out.set(spec.name, resolved);
      return true;
    }
    case ValueType::integer: {
      std::int64_t value = 0;
      if (!node.IsScalar() || !parse_int(node.Scalar(), value)) {
        error(node, path, "expected an integer, got " + describe(node));
        return false;
      }
      if (static_cast<double>(value) < spec.min || static_cast<double>(value) > spec.max) {
        range_error(node.Scalar());
        return false;
      }
      out.set(spec.name, value);
      return true;
    }
    case ValueType::number: {
      double value = 0;
      if (!node.IsScalar() || !parse_number(node.Scalar(), value)) {
        error(node, path, "expected a number, got " + describe(node));
        return false;
      }
      if (value < spec.min || value > spec.max) {
        range_error(node.Scalar());
        return false;
      }
      out.set(spec.name, value);
      return true;
    }
    case ValueType::boolean: {
      bool value = false;
      if (!node.IsScalar() || !parse_bool(node.Scalar(), value)) {
        error(node, path, "expected true or false, got " + describe(node));
        return false;
      }
      out.set(spec.name, value);
      return true;
    }
    case ValueType::choice: {
      if (!node.IsScalar() ||
          std::find(spec.choices.begin(), spec.choices.end(), node.Scalar()) == spec.choices.end()) {
        error(node, path, "expected one of " + join(spec.choices) + ", got " + describe(node));
        return false;
      }
      out.set(spec.name, node.Scalar());
      return true;
    }
    case ValueType::string_list:
    case ValueType::integer_list: {
      if (!node.IsSequence()) {
        error(node, path, "expected a list, got " + describe(node));
        return false;
      }
      std::vector<std::string> strings;
      std::vector<std::int64_t> ints;
      bool ok = true;
      for (std::size_t i = 0; i < node.size(); ++i) {
        const auto item = node[i];
        const std::string item_path = fmt::format("{}[{}]", path, i);
        if (spec.type == ValueType::string_list) {
          std::string text;
          if (check_string(item, item_path, text)) strings.push_back(text);
          else ok = false;
          continue;
        }
        std::int64_t value = 0;
        if (!item.IsScalar() || !parse_int(item.Scalar(), value)) {
          error(item, item_path, "expected an integer, got " + describe(item));
          ok = false;
        } else if (static_cast<double>(value) < spec.min || static_cast<double>(value) > spec.max) {
          error(item, item_path,
                fmt::format("value {} out of range {}..{}", item.Scalar(), format_bound(spec.min),
                            format_bound(spec.max)));
          ok = false;
        } else {
          ints.push_back(value);
        }
      }
      if (spec.type == ValueType::string_list) out.set(spec.name, strings);
      else out.set(spec.name, ints);
      return ok;
    }
    case ValueType::section: {
      if (!node.IsMap()) {
        error(node, path, "expected a map, got " + describe(node));
        return false;
      }
      const auto before = errors_.size();
      out.set_section(spec.name, check_map(node, *spec.sub, path));
      return errors_.size() == before;
    }
    case ValueType::table: {
      if (!node.IsMap()) {
        error(node, path, "expected a map of names to maps, got " + describe(node));
        return false;
      }
      const auto before = errors_.size();
      std::vector<std::pair<std::string, Settings>> entries;
      for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string name = it->first.Scalar();
        const std::string entry_path = path + "." + name;
        if (!it->second.IsMap()) {
          error(it->second, entry_path, "expected a map, got " + describe(it->second));
          continue;
        }
        entries.emplace_back(name, check_map(it->second, *spec.sub, entry_path));
      }
      out.set_table(spec.name, std::move(entries));
      return errors_.size() == before;
    }
  }
  return false;
}

Settings Validator::check_map(const YAML::Node& node, const Schema& schema, const std::string& path,
                              const std::vector<std::string>& ignore) {
  Settings out;
  const auto key_path = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
  std::vector<std::string> names;
  for (const auto& spec : schema) names.push_back(spec.name);

  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      error(key, path, "expected a key name, got " + describe(key));
      continue;
    }
    const std::string name = key.Scalar();
    if (!seen.insert(name).second) {
      error(key, key_path(name), "duplicate key");
      continue;
    }
    if (std::find(ignore.begin(), ignore.end(), name) != ignore.end()) continue;
    const auto spec = std::find_if(schema.begin(), schema.end(),
                                   [&](const KeySpec& s) { return s.name == name; });
    if (spec == schema.end()) {
      auto candidates = names;
      candidates.insert(candidates.end(), ignore.begin(), ignore.end());
      const std::string hint = closest(name, candidates);
      error(key, key_path(name), hint.empty() ? "unknown key" : "unknown key (did you mean '" + hint + "'?)");
      continue;
    }
    if (it->second.IsNull() && spec->type != ValueType::string && spec->type != ValueType::path) {
      // An empty value ("key:") means "use the default", as most YAML configs treat it.
      continue;
    }
    if (it->second.IsNull()) continue;
    check_value(it->second, *spec, key_path(name), out);
  }

  for (const auto& spec : schema) {
    if (out.has(spec.name) || (seen.count(spec.name) && !node[spec.name].IsNull())) continue;
    if (spec.required) {
      error(node, path.empty() ? spec.name : key_path(spec.name),
            "missing required key '" + spec.name + "'");
    } else if (spec.default_value) {
      Settings& target = out;
      if (spec.type == ValueType::path) {
        target.set(spec.name, resolve(std::get<std::string>(*spec.default_value)));
      } else {
        target.set(spec.name, *spec.default_value);
      }
    } else if (spec.type == ValueType::section) {
      // An absent section still gets its defaults, so code can read every key of it.
      out.set_section(spec.name, check_map(YAML::Node(YAML::NodeType::Map), *spec.sub, key_path(spec.name)));
    }
  }
  return out;
}

}  // namespace wedge::config
