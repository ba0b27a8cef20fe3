#include "drivers/scanner/key_layout.hpp"

#include <charconv>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace wedge::drivers::scanner {

namespace {

// The generated data files, one raw string literal each (scripts/keyboard-layouts).
constexpr std::string_view kLayoutData[] = {
#include "drivers/scanner/layouts/index.inc"
};

// Num Lock on; linux/input-event-codes.h: KPASTERISK 55, KP7 71 … KP0 82, KPDOT 83, KPSLASH 98.
constexpr std::pair<std::uint16_t, char> kKeypad[] = {
    {55, '*'}, {71, '7'}, {72, '8'}, {73, '9'}, {74, '-'}, {75, '4'}, {76, '5'}, {77, '6'},
    {78, '+'}, {79, '1'}, {80, '2'}, {81, '3'}, {82, '0'}, {83, '.'}, {98, '/'},
};

std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// "U+00E9" → "é"; throws on anything else.
std::string code_point(std::string_view token) {
  unsigned value = 0;
  if (token.size() < 6 || token.substr(0, 2) != "U+" ||
      std::from_chars(token.data() + 2, token.data() + token.size(), value, 16).ec != std::errc{} ||
      value == 0 || value > 0x10FFFF)
    throw std::invalid_argument(fmt::format("bad character '{}'", token));
  return utf8(static_cast<char32_t>(value));
}

KeyOutput output(std::string_view token) {
  if (token == "-") return {};
  if (token.substr(0, 5) == "dead_") return {{}, std::string(token)};
  return {code_point(token), {}};
}

}  // namespace

bool KeyMapping::follows_caps_lock() const noexcept {
  const auto& plain = levels[kLevelPlain].text;
  return plain.size() == 1 && plain[0] >= 'a' && plain[0] <= 'z';
}

std::optional<KeyLayout> KeyLayout::parse(std::string_view text, std::string& error) {
  KeyLayout layout;
  std::istringstream in{std::string(text)};
  int number = 0;
  try {
    for (std::string line; std::getline(in, line);) {
      ++number;
      if (const auto hash = line.find(" #"); hash != std::string::npos) line.erase(hash);
      std::istringstream words(line);
      std::string word;
      if (!(words >> word) || word[0] == '#') continue;
      std::string rest;
      std::getline(words >> std::ws, rest);
      if (word == "name") {
        layout.name_ = rest;
      } else if (word == "description") {
        layout.description_ = rest;
      } else if (word == "source") {
        layout.source_ = rest;
      } else if (word == "key") {
        std::istringstream fields(rest);
        unsigned code = 0;
        std::array<std::string, 4> tokens;
        if (!(fields >> code >> tokens[0] >> tokens[1] >> tokens[2] >> tokens[3]) || code > 767)
          throw std::invalid_argument("expected key <code> and four levels");
        KeyMapping key{static_cast<std::uint16_t>(code), {}};
        for (std::size_t i = 0; i < 4; ++i) key.levels[i] = output(tokens[i]);
        layout.keys_.push_back(std::move(key));
      } else if (word == "compose") {
        std::istringstream fields(rest);
        std::string dead, next, result;
        if (!(fields >> dead >> next >> result) || dead.substr(0, 5) != "dead_")
          throw std::invalid_argument("expected compose dead_<name> U+XXXX U+XXXX");
        layout.compositions_.push_back({dead, code_point(next), code_point(result)});
      } else {
        throw std::invalid_argument(fmt::format("unknown statement '{}'", word));
      }
    }
  } catch (const std::invalid_argument& e) {
    error = fmt::format("line {}: {}", number, e.what());
    return std::nullopt;
  }
  if (layout.name_.empty() || layout.keys_.empty()) {
    error = "no name or no keys";
    return std::nullopt;
  }
  for (const auto& [code, c] : kKeypad) {
    if (layout.find(code)) continue;
    KeyMapping key{code, {}};
    key.levels[kLevelPlain].text = key.levels[kLevelShift].text = std::string(1, c);
    layout.keys_.push_back(std::move(key));
  }
  return layout;
}

const KeyMapping* KeyLayout::find(std::uint16_t code) const {
  for (const auto& key : keys_)
    if (key.code == code) return &key;
  return nullptr;
}

std::optional<std::string> KeyLayout::compose(std::string_view dead, std::string_view next) const {
  for (const auto& c : compositions_)
    if (c.dead == dead && c.next == next) return c.result;
  return std::nullopt;
}

const std::vector<KeyLayout>& all_layouts() {
  static const std::vector<KeyLayout> layouts = [] {
    std::vector<KeyLayout> out;
    for (const auto text : kLayoutData) {
      std::string error;
      auto layout = KeyLayout::parse(text, error);
      // The data is generated and checked in; a bad file is a build defect, caught by the tests.
      if (!layout) throw std::logic_error("keyboard layout data: " + error);
      out.push_back(std::move(*layout));
    }
    return out;
  }();
  return layouts;
}

const KeyLayout* find_layout(std::string_view name) {
  for (const auto& layout : all_layouts())
    if (layout.name() == name) return &layout;
  return nullptr;
}

std::vector<std::string> layout_names() {
  std::vector<std::string> names;
  for (const auto& layout : all_layouts()) names.push_back(layout.name());
  return names;
}

}  // namespace wedge::drivers::scanner
