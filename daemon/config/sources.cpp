#include "daemon/config/sources.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "daemon/config/validator.hpp"

namespace wedge::config {

namespace fs = std::filesystem;

namespace {

bool is_dropin_name(const std::string& name) {
  constexpr std::string_view kSuffix = ".yaml";
  return name.size() > kSuffix.size() && name.front() != '.' &&
         name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

// Maps merge key by key; everything else replaces. Assigning a node shares it (yaml-cpp nodes are
// references), so the merged value keeps its mark and stays findable in the drop-in's own tree.
void merge_into(YAML::Node base, const YAML::Node& overlay) {
  for (const auto& entry : overlay) {
    if (!entry.first.IsScalar()) continue;  // the validator reports odd keys of the main file only
    const std::string& key = entry.first.Scalar();
    if (!std::as_const(base)[key]) {
      // A key new to the map: insert the drop-in's own key node too, so that an error about the key
      // ("unknown key") points into the drop-in.
      base.force_insert(entry.first, entry.second);
      continue;
    }
    YAML::Node current = base[key];
    if (current.IsMap() && entry.second.IsMap()) {
      merge_into(current, entry.second);
    } else {
      current = entry.second;
    }
  }
}

bool contains(const YAML::Node& tree, const YAML::Node& node) {
  if (tree.is(node)) return true;
  if (tree.IsMap()) {
    for (const auto& entry : tree)
      if (contains(entry.first, node) || contains(entry.second, node)) return true;
  } else if (tree.IsSequence()) {
    for (const auto& item : tree)
      if (contains(item, node)) return true;
  }
  return false;
}

}  // namespace

DropinList read_dropins(const std::string& main_file) {
  DropinList list;
  const fs::path dir = main_file + ".d";
  std::error_code ec;
  if (!fs::exists(dir, ec)) return list;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (is_dropin_name(entry.path().filename().string())) names.push_back(entry.path().filename().string());
  if (ec) {
    list.errors.push_back({dir.string(), 0, 0, "(drop-ins)", "cannot list the directory: " + ec.message()});
    return list;
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    const std::string file = (dir / name).string();
    std::ifstream in(file, std::ios::binary);
    if (!in || fs::is_directory(file, ec)) {
      list.errors.push_back({file, 0, 0, "(file)", std::string("cannot read: ") +
                                                       (in ? "is a directory" : std::strerror(errno))});
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    list.files.push_back({file, text.str()});
  }
  return list;
}

MergedDocument::MergedDocument(const std::vector<SourceText>& sources) {
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto& source = sources[i];
    files_.push_back(source.file);
    YAML::Node doc;
    try {
      doc = YAML::Load(source.text);
    } catch (const YAML::Exception& e) {
      errors_.push_back({source.file, e.mark.line + 1, e.mark.column + 1, "(yaml)", e.msg});
      continue;
    }
    if (i == 0) {
      if (!doc.IsMap()) {
        errors_.push_back({source.file, 1, 1, "(top)", "expected a map of settings, got " + describe(doc)});
        continue;
      }
      root_ = doc;
      continue;
    }
    if (doc.IsNull()) continue;  // an empty or all-comment drop-in changes nothing
    if (!doc.IsMap()) {
      errors_.push_back({source.file, 1, 1, "(top)", "expected a map of settings, got " + describe(doc)});
      continue;
    }
    dropins_.push_back({source.file, doc});
  }
  if (!errors_.empty()) return;
  for (const auto& dropin : dropins_) merge_into(root_, dropin.root);
}

std::string MergedDocument::file_of(const YAML::Node& node) const {
  // The latest drop-in first: a value set twice came from the last file that set it.
  for (auto it = dropins_.rbegin(); it != dropins_.rend(); ++it)
    if (contains(it->root, node)) return it->file;
  return files_.empty() ? std::string() : files_.front();
}

std::size_t MergedDocument::rank_of(const std::string& file) const {
  const auto it = std::find(files_.begin(), files_.end(), file);
  return static_cast<std::size_t>(it - files_.begin());
}

}  // namespace wedge::config
