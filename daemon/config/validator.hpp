// Checks one YAML map against a declared Schema: the generic half of config validation.
//
// Every problem becomes a ConfigError (unknown key with a "did you mean", wrong type, out of range,
// not one of the choices, missing required key, duplicate key, unreadable file); valid values and
// defaults are written to a Settings object. Relative paths are resolved against base_dir.
// Pure apart from access(2) on referenced files; thread-agnostic.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "drivers/common/settings.hpp"

namespace wedge::config {

class Validator {
 public:
  Validator(std::string file, std::string base_dir) : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  // Checks `node` (which must be a map) against `schema`; keys listed in `ignore` are skipped (the
  // caller handles them). Returns the validated settings (partial when there are errors).
  drivers::Settings check_map(const YAML::Node& node, const drivers::Schema& schema,
                              const std::string& path,
                              const std::vector<std::string>& ignore = {});

  // Single-value checks, usable by callers with their own structure.
  bool check_identifier(const YAML::Node& node, const std::string& path, std::string& out);
  bool check_string(const YAML::Node& node, const std::string& path, std::string& out);

  // The file a node came from, when the document was merged from several (sources.hpp); without
  // one, every error names the file given to the constructor.
  void set_file_of(std::function<std::string(const YAML::Node&)> file_of) { file_of_ = std::move(file_of); }

  void error(const YAML::Node& at, const std::string& path, const std::string& message);
  void error(const YAML::Mark& at, const std::string& path, const std::string& message);
  void error_nowhere(const std::string& path, const std::string& message);

  std::string resolve(const std::string& path) const;
  std::vector<ConfigError>& errors() { return errors_; }

 private:
  bool check_value(const YAML::Node& node, const drivers::KeySpec& spec, const std::string& path,
                   drivers::Settings& out);
  std::string file_;
  std::string base_dir_;
  std::function<std::string(const YAML::Node&)> file_of_;
  std::vector<ConfigError> errors_;
};

// "got 'x'" text for messages: the scalar, or the node's kind for maps and lists.
std::string describe(const YAML::Node& node);

// The closest name within edit distance 2, or empty.
std::string closest(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace wedge::config
