#include "drivers/common/settings.hpp"

#include <stdexcept>

namespace wedge::drivers {

std::string_view to_string(ValueType type) noexcept {
  switch (type) {
    case ValueType::string: return "string";
    case ValueType::integer: return "integer";
    case ValueType::number: return "number";
    case ValueType::boolean: return "boolean";
    case ValueType::choice: return "choice";
    case ValueType::path: return "path";
    case ValueType::string_list: return "list of strings";
    case ValueType::integer_list: return "list of integers";
    case ValueType::section: return "map";
    case ValueType::table: return "map of maps";
  }
  return "?";
}

namespace {
KeySpec make(std::string name, ValueType type, std::string description) {
  KeySpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.description = std::move(description);
  return spec;
}
}  // namespace

KeySpec key_string(std::string name, std::string description, std::optional<std::string> def) {
  auto spec = make(std::move(name), ValueType::string, std::move(description));
  if (def) spec.default_value = *def;
  return spec;
}

KeySpec key_required_string(std::string name, std::string description) {
  return required(key_string(std::move(name), std::move(description)));
}

namespace {
// A numeric key of `type` with its default (if any) and its range.
template <class T>
KeySpec ranged(std::string name, ValueType type, std::string description, std::optional<T> def, double min,
               double max) {
  auto spec = make(std::move(name), type, std::move(description));
  if (def) spec.default_value = *def;
  spec.min = min;
  spec.max = max;
  return spec;
}
}  // namespace

KeySpec key_int(std::string name, std::string description, std::optional<std::int64_t> def,
                double min, double max) {
  return ranged(std::move(name), ValueType::integer, std::move(description), def, min, max);
}

KeySpec key_number(std::string name, std::string description, std::optional<double> def,
                   double min, double max) {
  return ranged(std::move(name), ValueType::number, std::move(description), def, min, max);
}

KeySpec key_bool(std::string name, std::string description, std::optional<bool> def) {
  auto spec = make(std::move(name), ValueType::boolean, std::move(description));
  if (def) spec.default_value = *def;
  return spec;
}

KeySpec key_choice(std::string name, std::string description, std::vector<std::string> choices,
                   std::optional<std::string> def) {
  auto spec = make(std::move(name), ValueType::choice, std::move(description));
  spec.choices = std::move(choices);
  if (def) spec.default_value = *def;
  return spec;
}

KeySpec key_path(std::string name, std::string description, bool must_exist,
                 std::optional<std::string> def) {
  auto spec = make(std::move(name), ValueType::path, std::move(description));
  spec.must_exist = must_exist;
  if (def) spec.default_value = *def;
  return spec;
}

KeySpec key_section(std::string name, std::string description, const Schema& sub) {
  auto spec = make(std::move(name), ValueType::section, std::move(description));
  spec.sub = &sub;
  return spec;
}

KeySpec key_table(std::string name, std::string description, const Schema& sub) {
  auto spec = make(std::move(name), ValueType::table, std::move(description));
  spec.sub = &sub;
  return spec;
}

KeySpec key_int_list(std::string name, std::string description, double min, double max) {
  auto spec = make(std::move(name), ValueType::integer_list, std::move(description));
  spec.min = min;
  spec.max = max;
  return spec;
}

KeySpec key_string_list(std::string name, std::string description) {
  return make(std::move(name), ValueType::string_list, std::move(description));
}

KeySpec required(KeySpec spec) {
  spec.required = true;
  spec.default_value.reset();
  return spec;
}

bool Settings::has(std::string_view key) const {
  if (values_.find(key) != values_.end()) return true;
  for (const auto& [name, _] : sections_)
    if (name == key) return true;
  for (const auto& [name, _] : tables_)
    if (name == key) return true;
  return false;
}

const Value& Settings::find(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("setting not present: " + std::string(key));
  return it->second;
}

namespace {
template <typename T>
const T& as(const Value& value, std::string_view key) {
  if (const auto* p = std::get_if<T>(&value)) return *p;
  throw std::logic_error("setting has another type: " + std::string(key));
}
}  // namespace

const std::string& Settings::get_string(std::string_view key) const {
  return as<std::string>(find(key), key);
}
std::int64_t Settings::get_int(std::string_view key) const {
  return as<std::int64_t>(find(key), key);
}
double Settings::get_number(std::string_view key) const {
  const auto& value = find(key);
  if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  return as<double>(value, key);
}
bool Settings::get_bool(std::string_view key) const { return as<bool>(find(key), key); }
const std::vector<std::string>& Settings::get_string_list(std::string_view key) const {
  return as<std::vector<std::string>>(find(key), key);
}
const std::vector<std::int64_t>& Settings::get_int_list(std::string_view key) const {
  return as<std::vector<std::int64_t>>(find(key), key);
}

const Settings& Settings::section(std::string_view key) const {
  for (const auto& [name, value] : sections_)
    if (name == key) return value;
  throw std::logic_error("section not present: " + std::string(key));
}

const std::vector<std::pair<std::string, Settings>>& Settings::table(std::string_view key) const {
  for (const auto& [name, value] : tables_)
    if (name == key) return value;
  static const std::vector<std::pair<std::string, Settings>> empty;
  return empty;
}

std::string Settings::get_string_or(std::string_view key, std::string fallback) const {
  return values_.find(key) == values_.end() ? fallback : get_string(key);
}
std::int64_t Settings::get_int_or(std::string_view key, std::int64_t fallback) const {
  return values_.find(key) == values_.end() ? fallback : get_int(key);
}

void Settings::set(std::string key, Value value) { values_[std::move(key)] = std::move(value); }
void Settings::set_section(std::string key, Settings value) {
  sections_.emplace_back(std::move(key), std::move(value));
}
void Settings::set_table(std::string key, std::vector<std::pair<std::string, Settings>> value) {
  tables_.emplace_back(std::move(key), std::move(value));
}

}  // namespace wedge::drivers
