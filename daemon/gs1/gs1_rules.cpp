#include "daemon/gs1/gs1_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "daemon/gs1/gs1_dictionary.hpp"

namespace wedge::station {
namespace {

// Calls `each` for every piece of `list` between separators (pieces are trimmed of spaces).
template <typename Each>
void for_each_piece(std::string_view list, std::string_view separator, Each each) {
  while (!list.empty()) {
    const auto end = list.find(separator);
    auto piece = list.substr(0, end);
    while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
    while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
    if (!piece.empty()) each(piece);
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + separator.size());
  }
}

bool present(const std::vector<Gs1Element>& elements, std::string_view pattern) {
  return std::any_of(elements.begin(), elements.end(),
                     [pattern](const Gs1Element& e) { return ai_matches(pattern, e.ai); });
}

std::string readable(std::string_view needs) {
  std::string out;
  for_each_piece(needs, "|", [&out](std::string_view alternative) {
    if (!out.empty()) out += " or ";
    std::string all;
    for_each_piece(alternative, "&", [&all](std::string_view ai) {
      all += (all.empty() ? "(" : " with (") + std::string(ai) + ")";
    });
    out += all;
  });
  return out;
}

}  // namespace

std::optional<Gs1RuleViolation> merge_repeated_ais(std::vector<Gs1Element>& elements) {
  std::vector<Gs1Element> unique;
  for (auto& element : elements) {
    auto same = std::find_if(unique.begin(), unique.end(), [&](const Gs1Element& e) { return e.ai == element.ai; });
    if (same == unique.end()) {
      unique.push_back(std::move(element));
    } else if (same->value != element.value) {
      return Gs1RuleViolation{Gs1Error::conflicting_ai, element.ai,
                              fmt::format("({}) appears twice with different values ({} and {})", element.ai,
                                          same->value, element.value)};
    }
  }
  elements = std::move(unique);
  return std::nullopt;
}

std::optional<Gs1RuleViolation> check_ai_pairings(const std::vector<Gs1Element>& elements,
                                                  bool sscc_on_other_symbol, bool& assumed_sscc) {
  assumed_sscc = false;
  for (const auto& element : elements) {
    const auto* spec = find_ai(element.ai);
    if (spec == nullptr) continue;
    std::optional<Gs1RuleViolation> violation;
    for_each_piece(spec->excludes, " ", [&](std::string_view pattern) {
      for (const auto& other : elements)
        if (!violation && other.ai != element.ai && ai_matches(pattern, other.ai))
          violation = Gs1RuleViolation{Gs1Error::exclusive_ais, other.ai,
                                       fmt::format("({}) and ({}) must not appear together", element.ai, other.ai)};
    });
    if (violation) return violation;
  }
  for (const auto& element : elements) {
    const auto* spec = find_ai(element.ai);
    if (spec == nullptr || spec->needs.empty()) continue;
    bool met = false;
    bool met_by_assumption = false;
    for_each_piece(spec->needs, "|", [&](std::string_view alternative) {
      bool all = true;
      bool assumed = false;
      for_each_piece(alternative, "&", [&](std::string_view pattern) {
        if (present(elements, pattern)) return;
        if (sscc_on_other_symbol && pattern == "00") assumed = true;
        else all = false;
      });
      if (all && !assumed) met = true;
      if (all && assumed) met_by_assumption = true;
    });
    if (met) continue;
    if (met_by_assumption) {
      assumed_sscc = true;
      continue;
    }
    return Gs1RuleViolation{Gs1Error::missing_ai, element.ai,
                            fmt::format("({}) requires {}", element.ai, readable(spec->needs))};
  }
  return std::nullopt;
}

}  // namespace wedge::station
