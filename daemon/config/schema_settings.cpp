#include "daemon/config/schema_settings.hpp"

#include <stdexcept>
#include <variant>

#include "daemon/config/schema.hpp"

namespace wedge::config {

namespace {

using drivers::ValueType;

[[noreturn]] void misuse(std::string_view what, std::string_view key) {
  throw std::logic_error(std::string(what) + ": " + std::string(key));
}

// The one type each getter may read, as the schema declares it.
void expect_type(const drivers::KeySpec& spec, bool ok) {
  if (!ok) misuse("setting read as another type than declared (" + std::string(drivers::to_string(spec.type)) + ")", spec.name);
}

bool is_text(ValueType type) {
  return type == ValueType::string || type == ValueType::choice || type == ValueType::path;
}

// The section if `settings` holds it (the schema declared `key` a section, so nothing else of that
// name can be there).
const drivers::Settings* find_section(const drivers::Settings* settings, std::string_view key) {
  return settings != nullptr && settings->has(key) ? &settings->section(key) : nullptr;
}

}  // namespace

SchemaSettings::SchemaSettings(const drivers::Settings* values, const drivers::Schema& schema)
    : values_(values), schema_(&schema) {}

SchemaSettings SchemaSettings::of(const Config& config, std::string_view section) {
  for (const auto& info : top_level_sections())
    if (info.name == section) return SchemaSettings(find_section(&config.root, section), *info.schema);
  misuse("no such configuration section", section);
}

SchemaSettings SchemaSettings::of(const StationConfig& station) {
  return SchemaSettings(&station.settings, station_schema());
}

const drivers::Settings& SchemaSettings::values() const {
  if (values_ == nullptr) throw std::logic_error("settings of an absent section read");
  return *values_;
}

const drivers::KeySpec& SchemaSettings::spec(std::string_view key) const {
  for (const auto& spec : *schema_)
    if (spec.name == key) return spec;
  misuse("setting not declared in its schema", key);
}

SchemaSettings SchemaSettings::section(std::string_view key) const {
  const auto& declared = spec(key);
  expect_type(declared, declared.type == ValueType::section && declared.sub != nullptr);
  return SchemaSettings(find_section(values_, key), *declared.sub);
}

bool SchemaSettings::has(std::string_view key) const {
  const auto& declared = spec(key);
  return stored(key) || declared.default_value.has_value();
}

bool SchemaSettings::stored(std::string_view key) const { return values_ != nullptr && values_->has(key); }

const drivers::Value& SchemaSettings::default_of(std::string_view key) const {
  const auto& declared = spec(key);
  if (!declared.default_value) misuse("setting without a default read while unset (check has())", key);
  return *declared.default_value;
}

std::string SchemaSettings::get_string(std::string_view key) const {
  expect_type(spec(key), is_text(spec(key).type));
  return stored(key) ? values_->get_string(key) : std::get<std::string>(default_of(key));
}

std::int64_t SchemaSettings::get_int(std::string_view key) const {
  expect_type(spec(key), spec(key).type == ValueType::integer);
  return stored(key) ? values_->get_int(key) : std::get<std::int64_t>(default_of(key));
}

double SchemaSettings::get_number(std::string_view key) const {
  const auto type = spec(key).type;
  expect_type(spec(key), type == ValueType::number || type == ValueType::integer);
  if (stored(key)) return values_->get_number(key);
  const auto& v = default_of(key);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

bool SchemaSettings::get_bool(std::string_view key) const {
  expect_type(spec(key), spec(key).type == ValueType::boolean);
  return stored(key) ? values_->get_bool(key) : std::get<bool>(default_of(key));
}

}  // namespace wedge::config
