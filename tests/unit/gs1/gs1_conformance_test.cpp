// GS1 conformance, generated from the AI table itself: every AI GS1 defines (every AI of every
// range) reads a valid sample value as a scan, refuses values one character too long or too short,
// and every requisite and exclusive relation of the table is enforced. The rule families are
// exercised one by one in gs1_rules_test.cpp.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "daemon/gs1/gs1.hpp"
#include "daemon/gs1/gs1_dictionary.hpp"

#define GS "\x1D"

namespace wedge::station {
namespace {

const ParseOptions kYear2025{2025};  // strict GS1: every tolerance off

// Every AI a table row covers: "3100".."3105" → six AIs.
std::vector<std::string> ais_of(const Gs1AiSpec& spec) {
  std::vector<std::string> out;
  for (auto ai = std::string(spec.first); ai <= spec.last; ) {
    out.push_back(ai);
    auto at = ai.size();
    while (at > 0 && ai[at - 1] == '9') ai[--at] = '0';
    if (at == 0) break;
    ++ai[at - 1];
  }
  return out;
}

// A valid value of the longest length the spec allows: every component at its maximum.
std::string sample_value(const Gs1AiSpec& spec) {
  std::string value;
  for (int i = 0; i < spec.part_count; ++i) {
    const auto& part = spec.parts[static_cast<std::size_t>(i)];
    const auto length = static_cast<std::size_t>(part.max_length);
    if (part.checks & kZero) value += "0";
    else if (part.checks & kHyphen) value += "-";
    else if (part.checks & kCheckDigit) {
      const std::string data(length - 1, '1');
      value += data + std::to_string(gs1_check_digit(data));
    } else {
      // "1…" is a valid date (2011-11-11, 1111-11-11), time, piece of total, latitude, …
      value += std::string(length, part.charset == 'N' ? '1' : 'A');
    }
  }
  return value;
}

// The first AI a pattern ("31xx") names that the table knows.
std::string ai_for_pattern(std::string_view pattern, std::string_view not_this = {}) {
  for (const auto& spec : gs1_ai_table())
    for (const auto& ai : ais_of(spec))
      if (ai_matches(pattern, ai) && ai != not_this) return ai;
  return {};
}

struct Element {
  std::string ai;
  std::string value;
};

// An element string of the given elements, a GS after each that is not of predefined length.
std::string element_string(const std::vector<Element>& elements) {
  std::string out = "]C1";
  for (std::size_t i = 0; i < elements.size(); ++i) {
    out += elements[i].ai + elements[i].value;
    if (i + 1 < elements.size() && !find_ai(elements[i].ai)->predefined()) out += GS;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto piece = text.substr(0, text.find(separator));
    text.remove_prefix(std::min(text.size(), piece.size() + 1));
    while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
    while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
    if (!piece.empty()) out.push_back(piece);
  }
  return out;
}

// `ai` with what its requisites need (transitively; of each `needs`, the alternative that lacks
// the fewest AIs), the AI itself last.
std::vector<Element> with_requisites(const std::string& ai) {
  std::vector<std::string> ais{ai};
  auto have = [&ais](std::string_view pattern) {
    for (const auto& known : ais)
      if (ai_matches(pattern, known)) return true;
    return false;
  };
  for (std::size_t i = 0; i < ais.size(); ++i) {
    std::vector<std::string_view> best;
    bool first = true;
    for (const auto alternative : split(find_ai(ais[i])->needs, '|')) {
      std::vector<std::string_view> missing;
      for (const auto pattern : split(alternative, '&'))
        if (!have(pattern)) missing.push_back(pattern);
      if (first || missing.size() < best.size()) best = missing;
      first = false;
    }
    for (const auto pattern : best) ais.push_back(ai_for_pattern(pattern));
  }
  std::vector<Element> out;
  for (auto it = ais.rbegin(); it != ais.rend(); ++it) out.push_back({*it, sample_value(*find_ai(*it))});
  return out;
}

TEST(Gs1Conformance, TableCoversEveryGs1AiRange) {
  std::size_t ais = 0;
  for (const auto& spec : gs1_ai_table()) ais += ais_of(spec).size();
  EXPECT_GE(ais, 500u);  // GS1 defines over 500 AIs; wedge knew 46
  for (const auto* ai : {"00", "01", "10", "240", "241", "253", "3100", "3695", "3955", "4300", "7003", "7040",
                         "7259", "8003", "8030", "8200", "90", "91", "95", "99"})
    EXPECT_NE(find_ai(ai), nullptr) << ai;
  for (const auto* not_ai : {"04", "14", "23", "3106", "3960", "4334", "8201", "9", "100"})
    EXPECT_EQ(find_ai(not_ai), nullptr) << not_ai;
  // Prefix-free: no AI is the start of another, so reading an element string is unambiguous.
  for (const auto& a : gs1_ai_table())
    for (const auto& b : gs1_ai_table())
      if (&a != &b && a.ai_length() < b.ai_length()) {
        for (const auto& ai : ais_of(b)) EXPECT_NE(find_ai(ai.substr(0, a.ai_length())), &a) << ai;
      }
}

TEST(Gs1Conformance, EveryAiAcceptsItsFormatAndRefusesBadLengths) {
  for (const auto& spec : gs1_ai_table())
    for (const auto& ai : ais_of(spec)) {
      SCOPED_TRACE("(" + ai + ")");
      const auto value = sample_value(spec);
      EXPECT_EQ(static_cast<int>(value.size()), spec.max_length());
      EXPECT_EQ(check_ai_value(spec, ai, value, 2025).error().code, Gs1ValueFault::none);
      const char extra = spec.parts[static_cast<std::size_t>(spec.part_count - 1)].charset == 'N' ? '1' : 'A';
      EXPECT_EQ(check_ai_value(spec, ai, value + extra, 2025).error().code, Gs1ValueFault::bad_length);
      EXPECT_EQ(check_ai_value(spec, ai, "", 2025).error().code, Gs1ValueFault::bad_length);
      if (spec.fixed_length()) {
        EXPECT_EQ(check_ai_value(spec, ai, value.substr(0, value.size() - 1), 2025).error().code,
                  Gs1ValueFault::bad_length);
      }
      if (spec.parts[0].charset == 'N') {
        EXPECT_EQ(check_ai_value(spec, ai, "A" + value.substr(1), 2025).error().code, Gs1ValueFault::bad_charset);
      }
    }
}

TEST(Gs1Conformance, EveryAiReadsInAScanWithWhatItRequires) {
  for (const auto& spec : gs1_ai_table())
    for (const auto& ai : ais_of(spec)) {
      const auto scan = element_string(with_requisites(ai));
      SCOPED_TRACE(scan);
      const auto result = parse_scan(scan, "", kYear2025);
      ASSERT_TRUE(result) << result.error().detail;
      EXPECT_NE(result->find(ai), nullptr);
      EXPECT_TRUE(result->warnings.empty() || result->warnings[0] == "possible_missing_separator");
    }
}

TEST(Gs1Conformance, EveryRequisiteIsEnforced) {
  int checked = 0;
  for (const auto& spec : gs1_ai_table()) {
    if (spec.needs.empty()) continue;
    for (const auto& ai : ais_of(spec)) {
      const auto scan = element_string({{ai, sample_value(spec)}});
      SCOPED_TRACE(scan);
      const auto result = parse_scan(scan, "", kYear2025);
      ASSERT_FALSE(result);
      EXPECT_EQ(result.error().code, Gs1Error::missing_ai) << result.error().detail;
      ++checked;
    }
  }
  EXPECT_GE(checked, 400);
}

TEST(Gs1Conformance, EveryExclusionIsEnforced) {
  int checked = 0;
  for (const auto& spec : gs1_ai_table()) {
    for (const auto& ai : ais_of(spec)) {
      for (const auto pattern : split(spec.excludes, ' ')) {
        const auto other = ai_for_pattern(pattern, ai);
        if (other.empty()) continue;  // the pattern only names the AI itself
        const auto scan = element_string({{ai, sample_value(spec)}, {other, sample_value(*find_ai(other))}});
        SCOPED_TRACE(scan);
        const auto result = parse_scan(scan, "", kYear2025);
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, Gs1Error::exclusive_ais) << result.error().detail;
        EXPECT_EQ(to_string(result.error().code), "gs1_exclusive_ais");
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 300);
}

}  // namespace
}  // namespace wedge::station
