#include "drivers/scanner/key_text.hpp"

#include <fmt/format.h>

namespace wedge::drivers::scanner {

namespace {

constexpr std::uint16_t kFirstDigitKey = 2, kLastDigitKey = 11;  // KEY_1 … KEY_0
constexpr std::size_t kDigitRowEvidence = 4;
constexpr std::size_t kMaxSuggestions = 5;

bool printable_ascii(const std::string& text) {
  return text.size() == 1 && text[0] >= 0x20 && text[0] <= 0x7E;
}

bool is_digit(const KeyOutput& out) {
  return out.text.size() == 1 && out.text[0] >= '0' && out.text[0] <= '9';
}

KeyText fail(KeyText result, std::string problem, bool mismatch) {
  result.problem = std::move(problem);
  result.mismatch = mismatch;
  return result;
}

// Digit-row keys typed at plain or Shift level where the other level gives the digit, in a scan
// without a single digit.
bool digits_at_wrong_level(std::span<const KeyStroke> strokes, const KeyLayout& layout,
                           const std::string& text) {
  if (text.find_first_of("0123456789") != std::string::npos) return false;
  std::size_t wrong = 0;
  for (const auto& stroke : strokes) {
    if (!stroke.literal.empty() || stroke.code < kFirstDigitKey || stroke.code > kLastDigitKey ||
        stroke.level > kLevelShift)
      continue;
    const auto* key = layout.find(stroke.code);
    if (!key) continue;
    if (is_digit(key->levels[stroke.level == kLevelPlain ? kLevelShift : kLevelPlain])) ++wrong;
  }
  return wrong >= kDigitRowEvidence;
}

}  // namespace

KeyText decode_keys(std::span<const KeyStroke> strokes, const KeyLayout& layout) {
  KeyText result;
  std::string dead;  // a dead key waiting for the next character
  for (const auto& stroke : strokes) {
    if (!stroke.literal.empty()) {
      if (!dead.empty())
        return fail(result, fmt::format("dead key {} before a control code", dead), true);
      result.text += stroke.literal;
      continue;
    }
    const auto* key = layout.find(stroke.code);
    auto level = stroke.level;
    if (key && stroke.caps_lock && key->follows_caps_lock() && level <= kLevelShift)
      level = level == kLevelPlain ? kLevelShift : kLevelPlain;
    if (!key || key->levels[level].empty())
      return fail(result, fmt::format("unmapped key code {}", stroke.code), false);
    const auto& out = key->levels[level];
    if (!out.dead.empty()) {
      if (!dead.empty())
        return fail(result, fmt::format("dead key {} then dead key {}", dead, out.dead), true);
      dead = out.dead;
      continue;
    }
    if (!dead.empty()) {
      const auto composed = layout.compose(dead, out.text);
      if (!composed)
        return fail(result,
                    fmt::format("dead key {} then '{}' gives no barcode character", dead, out.text),
                    true);
      result.text += *composed;
      dead.clear();
      continue;
    }
    if (!printable_ascii(out.text))
      return fail(result, fmt::format("'{}' from key code {}", out.text, stroke.code), true);
    result.text += out.text;
  }
  if (!dead.empty()) return fail(result, fmt::format("dead key {} ends the scan", dead), true);
  if (digits_at_wrong_level(strokes, layout, result.text))
    return fail(result,
                "no digit in the scan, but digit-row keys at the other Shift state give digits",
                true);
  return result;
}

std::string reject_reason(std::span<const KeyStroke> strokes, const KeyLayout& layout,
                          const KeyText& result) {
  std::string clean;
  std::size_t found = 0;
  for (const auto& other : all_layouts()) {
    if (&other == &layout || !decode_keys(strokes, other).clean()) continue;
    if (found++ < kMaxSuggestions) clean += (clean.empty() ? "" : ", ") + other.name();
  }
  if (!result.mismatch && found == 0) return result.problem;
  return fmt::format("{}{} with layout {}; {}", kLayoutMismatchPrefix, result.problem,
                     layout.name(),
                     found == 0 ? "no known layout decodes them cleanly"
                                : fmt::format("the keys decode cleanly with layout {}", clean));
}

}  // namespace wedge::drivers::scanner
