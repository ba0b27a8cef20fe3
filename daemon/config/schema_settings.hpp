// SchemaSettings: settings read through the schema that declares them, for code that reads a
// section which may be absent (a Config built by hand in a test has no sections at all).
//
// The key set is checked: a key or section the schema does not declare, or one read as another
// type, is a programming error and throws std::logic_error — a misspelt key fails the first test
// that runs the code, instead of turning into a silent default. A declared key that the settings do
// not hold (its section is absent) reads as the schema's default, the same value the validator
// would have filled in; a declared key without a default must be checked with has() first.
//
// Pure value view; any thread. The Settings and the Schema must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/config/config.hpp"
#include "drivers/common/settings.hpp"

namespace wedge::config {

class SchemaSettings {
 public:
  // `values` may be null (the section is absent): every key then reads as its default.
  SchemaSettings(const drivers::Settings* values, const drivers::Schema& schema);

  // A top-level section of `config` as top_level_sections() declares it.
  static SchemaSettings of(const Config& config, std::string_view section);
  // The keys of one station entry (station_schema()).
  static SchemaSettings of(const StationConfig& station);

  // The settings hold this section (false for a Config built by hand).
  bool present() const { return values_ != nullptr; }
  // The validated settings; only when present().
  const drivers::Settings& values() const;

  // A declared nested section (absent: its keys read as their defaults).
  SchemaSettings section(std::string_view key) const;
  // The declared key has a value: set, or a default in the schema.
  bool has(std::string_view key) const;
  std::string get_string(std::string_view key) const;  // string, choice and path keys
  std::int64_t get_int(std::string_view key) const;
  double get_number(std::string_view key) const;  // number keys, and integer keys converted
  bool get_bool(std::string_view key) const;

 private:
  const drivers::KeySpec& spec(std::string_view key) const;
  bool stored(std::string_view key) const;
  const drivers::Value& default_of(std::string_view key) const;

  const drivers::Settings* values_;
  const drivers::Schema* schema_;
};

}  // namespace wedge::config
