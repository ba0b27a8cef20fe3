#include "daemon/core/journal_fields.hpp"

#include <algorithm>
#include <array>

namespace wedge::core {

namespace {

struct Tag {
  std::string_view tag;
  std::string_view field;
};

constexpr std::array<Tag, 4> kTags = {{
    {"station=", "STATION"},
    {"order=", "ORDER_ID"},
    {"device=", "DEVICE"},
    {"event_id=", "EVENT_ID"},
}};

bool ends_value(char c) { return c == ' ' || c == ',' || c == ';' || c == ')' || c == '"' || c == '\n'; }

}  // namespace

std::vector<std::pair<std::string, std::string>> journal_fields(std::string_view line) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (std::size_t at = 0; at < line.size(); ++at) {
    if (at > 0 && line[at - 1] != ' ' && line[at - 1] != '(') continue;
    for (const auto& tag : kTags) {
      if (line.compare(at, tag.tag.size(), tag.tag) != 0) continue;
      const std::size_t start = at + tag.tag.size();
      std::size_t end = start;
      while (end < line.size() && !ends_value(line[end])) ++end;
      std::string_view value = line.substr(start, end - start);
      if (!value.empty() && value.back() == ':') value.remove_suffix(1);
      const bool seen = std::any_of(fields.begin(), fields.end(),
                                    [&](const auto& field) { return field.first == tag.field; });
      if (!value.empty() && !seen) fields.emplace_back(std::string(tag.field), std::string(value));
      at = end == start ? at : end - 1;
      break;
    }
  }
  return fields;
}

}  // namespace wedge::core
