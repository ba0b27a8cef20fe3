// The files one configuration is made of: the main file and its drop-ins, merged into one YAML
// document that remembers which file each value came from.
//
// Drop-ins are the `*.yaml` files in `<main file>.d/` (for /etc/wedge/wedge.yaml:
// /etc/wedge/wedge.yaml.d/), applied in lexical (byte) order of their names after the main file,
// each over the result of those before it. Merge rule: a map merges key by key, recursively; any
// other value — a scalar, a list (devices, stations, allowed_hosts), null — replaces the earlier
// value whole. Hidden files and other extensions are ignored (editor backups, `.dpkg-dist`).
//
// An error in the merged document is reported with the file and line that gave the value
// (file_of()), so a typo in 50-site.yaml reads `/etc/wedge/wedge.yaml.d/50-site.yaml:3:9: …`.
// Pure apart from reading the files; thread-agnostic.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"

namespace wedge::config {

struct SourceText {
  std::string file;  // as it is to appear in messages
  std::string text;
};

// The drop-ins of `main_file`, sorted, read; a drop-in that cannot be read is an error with its name.
struct DropinList {
  std::vector<SourceText> files;
  std::vector<ConfigError> errors;
};
[[nodiscard]] DropinList read_dropins(const std::string& main_file);

class MergedDocument {
 public:
  // Parses every source (the first is the main file) and merges them in order. A YAML syntax error
  // or a drop-in that is not a map is an error with that file's name and position.
  explicit MergedDocument(const std::vector<SourceText>& sources);

  [[nodiscard]] const YAML::Node& root() const { return root_; }
  [[nodiscard]] std::vector<ConfigError>& errors() { return errors_; }
  [[nodiscard]] bool ok() const { return errors_.empty(); }

  // The file whose text holds `node` (a drop-in for a value it set, else the main file).
  [[nodiscard]] std::string file_of(const YAML::Node& node) const;

  // The position of `file` among the sources (0 = main file), to sort errors by file, then line.
  [[nodiscard]] std::size_t rank_of(const std::string& file) const;

 private:
  struct Parsed {
    std::string file;
    YAML::Node root;
  };
  YAML::Node root_;
  std::vector<Parsed> dropins_;
  std::vector<std::string> files_;
  std::vector<ConfigError> errors_;
};

}  // namespace wedge::config
