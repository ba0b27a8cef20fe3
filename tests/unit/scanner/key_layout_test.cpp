// Keyboard layouts: the generated data parses, holds the keymap facts of each country (checked here
// against what the keyboards print, independent of the generator), and the mismatch rules.
#include "drivers/scanner/key_layout.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "drivers/scanner/key_text.hpp"

namespace wedge::drivers::scanner {
namespace {

// A key at a level and what the country's keyboard prints there.
struct Fact {
  const char* layout;
  std::uint16_t code;
  KeyLevel level;
  const char* text;
};

// KEY_Q 16, KEY_Y 21, KEY_A 30, KEY_Z 44, KEY_M 50, KEY_1..KEY_0 2..11, KEY_MINUS 12, LSGT 86.
constexpr Fact kFacts[] = {
    {"us", 21, kLevelPlain, "y"},       {"us", 4, kLevelShift, "#"},        {"us", 40, kLevelShift, "\""},
    {"us-intl", 40, kLevelPlain, ""},   {"uk", 3, kLevelShift, "\""},       {"uk", 40, kLevelShift, "@"},
    {"de", 21, kLevelPlain, "z"},       {"de", 44, kLevelPlain, "y"},       {"de", 8, kLevelShift, "/"},
    {"de", 16, kLevelAltGr, "@"},       {"de", 86, kLevelPlain, "<"},       {"de-nodeadkeys", 21, kLevelPlain, "z"},
    {"ch-de", 21, kLevelPlain, "z"},    {"ch-de", 3, kLevelShift, "\""},    {"ch-fr", 21, kLevelPlain, "z"},
    {"cz", 21, kLevelPlain, "z"},       {"cz", 2, kLevelShift, "1"},        {"cz-qwerty", 21, kLevelPlain, "y"},
    {"fr", 16, kLevelPlain, "a"},       {"fr", 30, kLevelPlain, "q"},       {"fr", 2, kLevelShift, "1"},
    {"fr", 2, kLevelPlain, "&"},        {"fr", 50, kLevelPlain, ","},       {"fr-oss", 16, kLevelPlain, "a"},
    {"fr-nodeadkeys", 44, kLevelPlain, "w"},                          {"be", 16, kLevelPlain, "a"},
    {"be", 4, kLevelShift, "3"},        {"it", 3, kLevelShift, "\""},       {"es", 8, kLevelShift, "/"},
    {"pt", 8, kLevelShift, "/"},        {"nl", 21, kLevelPlain, "y"},       {"se", 8, kLevelShift, "/"},
    {"fi", 8, kLevelShift, "/"},        {"dk", 8, kLevelShift, "/"},        {"no", 8, kLevelShift, "/"},
    {"pl", 3, kLevelShift, "@"},        {"pl", 21, kLevelPlain, "y"},
};

TEST(ScannerKeyLayout, EveryLayoutOfTheIssueIsThere) {
  for (const char* name : {"us", "uk", "de", "fr", "it", "es", "ch-de", "se", "fi", "dk", "no", "be",
                           "nl", "pl", "pt", "cz"})
    EXPECT_NE(find_layout(name), nullptr) << name;
  EXPECT_EQ(find_layout("klingon"), nullptr);
}

TEST(ScannerKeyLayout, KeysGiveWhatTheCountrysKeyboardPrints) {
  for (const auto& fact : kFacts) {
    const auto* layout = find_layout(fact.layout);
    ASSERT_NE(layout, nullptr) << fact.layout;
    const auto* key = layout->find(fact.code);
    ASSERT_NE(key, nullptr) << fact.layout << " " << fact.code;
    EXPECT_EQ(key->levels[fact.level].text, fact.text) << fact.layout << " key " << fact.code;
  }
  EXPECT_EQ(find_layout("us-intl")->find(40)->levels[kLevelPlain].dead, "dead_acute");
  EXPECT_EQ(find_layout("de")->find(83)->levels[kLevelPlain].text, ",");  // keypad decimal: comma
  EXPECT_EQ(find_layout("us")->find(83)->levels[kLevelPlain].text, ".");
}

TEST(ScannerKeyLayout, EveryLayoutReachesTheGs1CharacterSet) {
  const std::string cset82 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!\"%&'()*+,-./:;<=>?_";
  for (const auto& layout : all_layouts()) {
    std::string typed;
    for (const auto& key : layout.keys())
      for (const auto& level : key.levels) typed += level.text;
    for (const char c : cset82) {
      const bool composed = layout.compose("dead_acute", " ") == std::string(1, c) ||
                            layout.compose("dead_diaeresis", " ") == std::string(1, c);
      EXPECT_TRUE(typed.find(c) != std::string::npos || composed) << layout.name() << " lacks " << c;
    }
  }
}

TEST(ScannerKeyLayout, ParseNamesTheBadLine) {
  std::string error;
  EXPECT_FALSE(KeyLayout::parse("name x\nkey 2 U+0031 U+0021 -\n", error));
  EXPECT_EQ(error, "line 2: expected key <code> and four levels");
  EXPECT_FALSE(KeyLayout::parse("name x\nkey 2 U+0031 U+0021 - nonsense\n", error));
  EXPECT_EQ(error, "line 2: bad character 'nonsense'");
  EXPECT_FALSE(KeyLayout::parse("name x\nfrobnicate\n", error));
  EXPECT_EQ(error, "line 2: unknown statement 'frobnicate'");
  const auto ok = KeyLayout::parse("name x\nkey 2 U+0031 U+0021 - -  # 1 !\n", error);
  ASSERT_TRUE(ok) << error;
  EXPECT_EQ(ok->find(2)->levels[kLevelShift].text, "!");
  EXPECT_EQ(ok->find(79)->levels[kLevelPlain].text, "1");  // keypad added
}

std::vector<KeyStroke> strokes(std::initializer_list<std::pair<std::uint16_t, KeyLevel>> keys) {
  std::vector<KeyStroke> out;
  for (const auto& [code, level] : keys) out.push_back({code, level, false, {}});
  return out;
}

TEST(ScannerKeyLayout, AzertyScannerReadAsQwertyIsAMismatch) {
  // An AZERTY scanner types the digits 0109 with Shift: on a US layout that is ")!)(".
  const auto keys = strokes({{11, kLevelShift}, {2, kLevelShift}, {11, kLevelShift}, {10, kLevelShift}});
  const auto& us = *find_layout("us");
  const auto result = decode_keys(keys, us);
  ASSERT_FALSE(result.clean());
  EXPECT_TRUE(result.mismatch);
  EXPECT_EQ(reject_reason(keys, us, result),
            "keyboard layout mismatch: no digit in the scan, but digit-row keys at the other Shift "
            "state give digits with layout us; the keys decode cleanly with layout cz, cz-qwerty, fr, "
            "fr-oss, fr-nodeadkeys");
  EXPECT_EQ(decode_keys(keys, *find_layout("fr")).text, "0109");
}

TEST(ScannerKeyLayout, DeadKeyThatComposesNoBarcodeCharacterIsAMismatch) {
  const auto& de = *find_layout("de");
  const auto keys = strokes({{41, kLevelPlain}, {30, kLevelPlain}});  // dead_circumflex, a → â
  const auto result = decode_keys(keys, de);
  EXPECT_TRUE(result.mismatch);
  EXPECT_EQ(result.problem, "dead key dead_circumflex then 'a' gives no barcode character");
  const auto trailing = strokes({{2, kLevelPlain}, {13, kLevelPlain}});  // 1, dead_acute at the end
  EXPECT_EQ(decode_keys(trailing, de).problem, "dead key dead_acute ends the scan");
}

TEST(ScannerKeyLayout, UnknownKeyInEveryLayoutStaysUnmapped) {
  const auto keys = strokes({{2, kLevelPlain}, {59, kLevelPlain}});  // 1, F1
  const auto& us = *find_layout("us");
  EXPECT_EQ(reject_reason(keys, us, decode_keys(keys, us)), "unmapped key code 59");
}

}  // namespace
}  // namespace wedge::drivers::scanner
