// Declared configuration keys and their validated values.
//
// Each driver declares its keys once, as a Schema: name, type, default, range, one-line description.
// The config validator (daemon/config) checks a YAML map against a Schema, reports every error with
// its position, fills defaults and hands the driver a Settings object whose getters cannot fail for a
// declared key. docs/configuration.md is generated from the same schemas (`wedge --config-reference`),
// so the validator, the driver and the documentation can never disagree.
//
// Thread-agnostic value types; schemas are immutable after construction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wedge::drivers {

enum class ValueType {
  string,       // any scalar text
  integer,      // 64-bit signed; min/max apply
  number,       // double; min/max apply
  boolean,      // true/false
  choice,       // one of `choices`
  path,         // a file path; `must_exist` makes the validator check it is readable
  string_list,  // a sequence of scalars
  integer_list, // a sequence of integers; min/max apply to each
  section,      // a nested map checked against `sub` (→ Settings::section)
  table,        // a map name → nested map, each checked against `sub` (→ Settings::table)
};

std::string_view to_string(ValueType type) noexcept;

class Settings;
struct KeySpec;
using Schema = std::vector<KeySpec>;
using Value = std::variant<std::string, std::int64_t, double, bool, std::vector<std::string>,
                           std::vector<std::int64_t>>;

struct KeySpec {
  std::string name;
  ValueType type = ValueType::string;
  std::string description;             // one line, for docs and --help
  std::optional<Value> default_value;  // unset and !required → key is simply absent
  bool required = false;
  double min = -1e18;                  // integer/number range, inclusive
  double max = 1e18;
  std::vector<std::string> choices;    // for ValueType::choice
  bool must_exist = false;             // for ValueType::path
  const Schema* sub = nullptr;         // for section and table; must outlive the KeySpec
};

// Builders that keep schema tables readable:  key_int("baud", "Line speed", 9600, 50, 4000000)
KeySpec key_string(std::string name, std::string description, std::optional<std::string> def = {});
KeySpec key_required_string(std::string name, std::string description);
KeySpec key_int(std::string name, std::string description, std::optional<std::int64_t> def,
                double min, double max);
KeySpec key_number(std::string name, std::string description, std::optional<double> def,
                   double min, double max);
KeySpec key_bool(std::string name, std::string description, std::optional<bool> def);
KeySpec key_choice(std::string name, std::string description, std::vector<std::string> choices,
                   std::optional<std::string> def);
KeySpec key_path(std::string name, std::string description, bool must_exist,
                 std::optional<std::string> def = {});
KeySpec key_section(std::string name, std::string description, const Schema& sub);
KeySpec key_table(std::string name, std::string description, const Schema& sub);
KeySpec key_int_list(std::string name, std::string description, double min, double max);
KeySpec key_string_list(std::string name, std::string description);
KeySpec required(KeySpec spec);  // marks a spec required (and drops its default)

// Validated values for one Schema. Getters for a declared key with a default never fail; for an
// optional key without default use has() first. Reading an undeclared key or the wrong type throws
// std::logic_error (a programming error, not a config error).
class Settings {
 public:
  bool has(std::string_view key) const;
  const std::string& get_string(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  double get_number(std::string_view key) const;  // integers convert
  bool get_bool(std::string_view key) const;
  const std::vector<std::string>& get_string_list(std::string_view key) const;
  const std::vector<std::int64_t>& get_int_list(std::string_view key) const;
  const Settings& section(std::string_view key) const;
  // name → settings, in file order
  const std::vector<std::pair<std::string, Settings>>& table(std::string_view key) const;

  std::string get_string_or(std::string_view key, std::string fallback) const;
  std::int64_t get_int_or(std::string_view key, std::int64_t fallback) const;

  void set(std::string key, Value value);
  void set_section(std::string key, Settings value);
  void set_table(std::string key, std::vector<std::pair<std::string, Settings>> value);

 private:
  const Value& find(std::string_view key) const;
  std::map<std::string, Value, std::less<>> values_;
  std::vector<std::pair<std::string, Settings>> sections_;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, Settings>>>> tables_;
};

}  // namespace wedge::drivers
