// KeyDecoder: real input_event records through the evdev decoding state machine.
#include "drivers/scanner/key_decoder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wedge::drivers::scanner {
namespace {

constexpr std::uint16_t kShift = 42, kRightShift = 54, kCtrl = 29, kAlt = 56, kCaps = 58;
constexpr std::uint16_t kEnter = 28, kKpEnter = 96, kTab = 15;

class Keys {
 public:
  explicit Keys(KeyDecoderOptions options = {}) : decoder_(options) {}

  void event(std::uint16_t type, std::uint16_t code, std::int32_t value) {
    input_event ev{};
    ev.type = type;
    ev.code = code;
    ev.value = value;
    if (auto frame = decoder_.feed(ev)) frames.push_back(std::move(*frame));
  }
  void key(std::uint16_t code, std::int32_t value) {
    event(EV_KEY, code, value);
    event(EV_SYN, SYN_REPORT, 0);
  }
  void tap(std::uint16_t code) { key(code, 1), key(code, 0); }
  void shifted(std::uint16_t code) { key(kShift, 1), tap(code), key(kShift, 0); }
  void enter() { tap(kEnter); }

  std::string last() const {
    if (frames.empty()) return "<none>";
    const auto& f = frames.back();
    return f.reject_reason.empty() ? f.data : "!" + f.reject_reason;
  }

  KeyDecoder decoder_;
  std::vector<Frame> frames;
};

TEST(ScannerKeyDecoder, DigitsAndEnter) {
  Keys keys;
  for (std::uint16_t code : {2, 3, 4, 11}) keys.tap(code);  // 1 2 3 0
  EXPECT_TRUE(keys.frames.empty());
  keys.enter();
  EXPECT_EQ(keys.last(), "1230");
}

TEST(ScannerKeyDecoder, ShiftGivesUpperCaseAndSymbols) {
  Keys keys;
  keys.shifted(30);  // A
  keys.tap(30);      // a
  keys.shifted(2);   // !
  keys.key(kRightShift, 1);
  keys.tap(26);  // {
  keys.tap(40);  // "
  keys.key(kRightShift, 0);
  keys.tap(53);  // /
  keys.enter();
  EXPECT_EQ(keys.last(), "Aa!{\"/");
}

TEST(ScannerKeyDecoder, CapsLockAffectsLettersOnly) {
  Keys keys;
  keys.tap(kCaps);
  keys.tap(30);     // A
  keys.shifted(30); // a (shift undoes caps for letters)
  keys.tap(2);      // 1 (caps does not shift digits)
  keys.tap(kCaps);
  keys.tap(30);     // a
  keys.enter();
  EXPECT_EQ(keys.last(), "Aa1a");
}

TEST(ScannerKeyDecoder, KeyRepeatDoesNotDoubleCharacters) {
  Keys keys;
  keys.key(5, 1);  // 4 pressed
  keys.key(5, 2);  // autorepeat
  keys.key(5, 2);
  keys.key(5, 0);
  keys.key(kShift, 1);
  keys.key(kShift, 2);  // a repeated modifier stays held
  keys.tap(31);         // S
  keys.key(kShift, 0);
  keys.key(kEnter, 1);
  keys.key(kEnter, 2);  // a repeated Enter ends nothing twice
  keys.key(kEnter, 0);
  ASSERT_EQ(keys.frames.size(), 1u);
  EXPECT_EQ(keys.last(), "4S");
}

TEST(ScannerKeyDecoder, CtrlRightBraceIsGs) {
  Keys keys;
  keys.tap(2);
  keys.key(kCtrl, 1);
  keys.tap(27);
  keys.key(kCtrl, 0);
  keys.tap(3);
  keys.enter();
  EXPECT_EQ(keys.last(), "1\x1d" "2");
}

TEST(ScannerKeyDecoder, AltKeypad029IsGsOnAltRelease) {
  Keys keys;
  keys.tap(2);
  keys.key(kAlt, 1);
  keys.tap(82);  // KP0
  keys.tap(80);  // KP2
  keys.tap(73);  // KP9
  keys.key(kAlt, 0);
  keys.tap(3);
  keys.enter();
  EXPECT_EQ(keys.last(), "1\x1d" "2");
}

TEST(ScannerKeyDecoder, AltCodeForOtherCharacters) {
  Keys keys;
  keys.key(kAlt, 1);
  keys.tap(79);  // KP1
  keys.tap(72);  // KP8
  keys.tap(80);  // KP2 → 182 = ¶ (Latin-1 → UTF-8)
  keys.key(kAlt, 0);
  keys.key(kAlt, 1);
  keys.tap(77);  // KP6
  keys.tap(76);  // KP5 → 'A'
  keys.key(kAlt, 0);
  keys.enter();
  EXPECT_EQ(keys.last(), "\xC2\xB6" "A");
}

TEST(ScannerKeyDecoder, ConfigurableGsByte) {
  KeyDecoderOptions options;
  options.gs_byte = '^';
  Keys keys(options);
  keys.key(kCtrl, 1);
  keys.tap(27);
  keys.key(kCtrl, 0);
  keys.enter();
  EXPECT_EQ(keys.last(), "^");
}

TEST(ScannerKeyDecoder, KeypadDigitsAndKeypadEnter) {
  Keys keys;
  keys.tap(79);
  keys.tap(82);
  keys.tap(83);
  keys.tap(kKpEnter);
  EXPECT_EQ(keys.last(), "10.");
}

TEST(ScannerKeyDecoder, TabEndsOnlyWhenConfigured) {
  Keys plain;
  plain.tap(2);
  plain.tap(kTab);
  EXPECT_TRUE(plain.frames.empty());
  plain.enter();
  EXPECT_EQ(plain.last(), "!unmapped key code 15");

  KeyDecoderOptions options;
  options.end_on_tab = true;
  Keys keys(options);
  keys.tap(2);
  keys.tap(kTab);
  EXPECT_EQ(keys.last(), "1");
}

TEST(ScannerKeyDecoder, UnmappedKeyRejectsTheScan) {
  Keys keys;
  keys.tap(2);
  keys.tap(59);  // F1
  keys.tap(3);
  keys.enter();
  EXPECT_EQ(keys.last(), "!unmapped key code 59");
  keys.tap(4);  // the next scan is clean again
  keys.enter();
  EXPECT_EQ(keys.last(), "3");
}

TEST(ScannerKeyDecoder, SynDroppedRejectsTheScanInProgressOnly) {
  Keys keys;
  keys.tap(2);
  keys.enter();
  keys.tap(3);
  keys.event(EV_SYN, SYN_DROPPED, 0);
  keys.event(EV_KEY, 4, 1);  // ignored up to the next SYN_REPORT
  keys.event(EV_SYN, SYN_REPORT, 0);
  keys.tap(5);
  keys.enter();
  keys.tap(6);
  keys.enter();
  ASSERT_EQ(keys.frames.size(), 3u);
  EXPECT_EQ(keys.frames[0].data, "1");
  EXPECT_EQ(keys.frames[1].reject_reason, kSynDroppedReason);
  EXPECT_EQ(keys.frames[2].data, "5");
}

TEST(ScannerKeyDecoder, SynDroppedResetsHeldModifiers) {
  Keys keys;
  keys.key(kShift, 1);
  keys.event(EV_SYN, SYN_DROPPED, 0);  // the shift release is among the lost events
  keys.event(EV_SYN, SYN_REPORT, 0);
  keys.enter();
  keys.tap(30);
  keys.enter();
  EXPECT_EQ(keys.last(), "a");
}

TEST(ScannerKeyDecoder, TooLongIsRejected) {
  KeyDecoderOptions options;
  options.max_length = 3;
  Keys keys(options);
  for (int i = 0; i < 5; ++i) keys.tap(2);
  keys.enter();
  EXPECT_EQ(keys.last(), "!too long (5 > max 3)");
  keys.tap(2);
  keys.enter();
  EXPECT_EQ(keys.last(), "1");
}

TEST(ScannerKeyDecoder, FlushEndsPartialScan) {
  Keys keys;
  EXPECT_FALSE(keys.decoder_.flush());
  keys.tap(2);
  auto frame = keys.decoder_.flush();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, "1");
  EXPECT_TRUE(frame->timed_out);
}

TEST(ScannerKeyDecoder, EnterAloneIsNoScanAndOtherEventTypesAreIgnored) {
  Keys keys;
  keys.enter();
  keys.event(EV_MSC, MSC_SCAN, 0x70028);
  keys.event(EV_LED, 1, 1);
  EXPECT_TRUE(keys.frames.empty());
}

TEST(ScannerKeyDecoder, UsLayoutTypesEveryPrintableAsciiCharacter) {
  const auto* us = find_layout("us");
  ASSERT_NE(us, nullptr);
  std::string typed;
  for (const auto& key : us->keys()) typed += key.levels[kLevelPlain].text + key.levels[kLevelShift].text;
  for (char c = 0x21; c < 0x7F; ++c) EXPECT_NE(typed.find(c), std::string::npos) << "missing " << c;
}

TEST(ScannerKeyDecoder, AltGrGivesTheThirdLevelAndAltGrKeypadStillMakesAltCodes) {
  KeyDecoderOptions options;
  options.layout = find_layout("de");
  Keys keys(options);
  constexpr std::uint16_t kAltGr = 100;
  keys.key(kAltGr, 1);
  keys.tap(16);  // AltGr+Q = @ on a German keyboard
  keys.tap(82), keys.tap(80), keys.tap(73);  // AltGr+KP0 KP2 KP9 = GS on release
  keys.key(kAltGr, 0);
  keys.tap(21);  // the US "y" position is "z" on QWERTZ
  keys.enter();
  EXPECT_EQ(keys.last(), "@\x1d" "z");
}

TEST(ScannerKeyDecoder, DeadKeyComposesWithSpace) {
  KeyDecoderOptions options;
  options.layout = find_layout("us-intl");
  Keys keys(options);
  keys.tap(40), keys.tap(57);               // dead_acute, space → '
  keys.shifted(40), keys.tap(57);           // dead_diaeresis, space → "
  keys.enter();
  EXPECT_EQ(keys.last(), "'\"");
}

TEST(ScannerKeyDecoder, WrongLayoutIsReportedAsMismatch) {
  KeyDecoderOptions options;
  options.layout = find_layout("fr");
  Keys keys(options);
  for (std::uint16_t code : {2, 11, 3}) keys.tap(code);  // a US scanner's "102": AZERTY "&àé"
  keys.enter();
  EXPECT_EQ(keys.last(), "!keyboard layout mismatch: '\xC3\xA0' from key code 11 with layout fr; the keys "
                         "decode cleanly with layout us, us-intl, uk, de, de-nodeadkeys");
}

}  // namespace
}  // namespace wedge::drivers::scanner
