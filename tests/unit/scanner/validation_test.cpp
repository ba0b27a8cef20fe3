// Scan validation: the exact reasons for bad scans, and that GS and UTF-8 text pass.
#include "drivers/scanner/validation.hpp"

#include <gtest/gtest.h>

namespace wedge::drivers::scanner {
namespace {

using namespace std::string_literals;

TEST(ScannerValidation, AcceptsPrintableAsciiGsAndUtf8) {
  EXPECT_FALSE(validate_scan("4006381333931"));
  EXPECT_FALSE(validate_scan("010950123456789017\x1d" "10ABC"));
  EXPECT_FALSE(validate_scan("https://id.gs1.org/01/09506000134352?x=~|"));
  EXPECT_FALSE(validate_scan("Grüße €"));
  EXPECT_FALSE(validate_scan("\xF0\x9F\x93\xA6 box"));
  EXPECT_FALSE(validate_scan("with space"));
}

TEST(ScannerValidation, RejectsEmpty) { EXPECT_EQ(validate_scan(""), "empty scan"); }

TEST(ScannerValidation, RejectsNulBeforeAnythingElse) {
  EXPECT_EQ(validate_scan("12\0" "34"s), "NUL byte");
  EXPECT_EQ(validate_scan("\xff\0\x07"s), "NUL byte");
}

TEST(ScannerValidation, RejectsInvalidUtf8) {
  EXPECT_EQ(validate_scan("ab\xC3(cd"), "invalid UTF-8");       // bad continuation
  EXPECT_EQ(validate_scan("ab\xFF"), "invalid UTF-8");            // never valid
  EXPECT_EQ(validate_scan("\xC0\xAF"), "invalid UTF-8");          // overlong '/'
  EXPECT_EQ(validate_scan("\xED\xA0\x80"), "invalid UTF-8");      // surrogate
  EXPECT_EQ(validate_scan("\xF4\x90\x80\x80"), "invalid UTF-8");  // past U+10FFFF
  EXPECT_EQ(validate_scan("ab\xE2\x82"), "invalid UTF-8");        // truncated
  EXPECT_EQ(validate_scan("caf\xE9"), "invalid UTF-8");           // Latin-1, not UTF-8
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9"));
}

TEST(ScannerValidation, RejectsControlCharactersAsLineNoise) {
  EXPECT_EQ(validate_scan("12\x07" "34"), "line noise");
  EXPECT_EQ(validate_scan("12\r34"), "line noise");
  EXPECT_EQ(validate_scan("12\n"), "line noise");
  EXPECT_EQ(validate_scan("\x1b[A"), "line noise");
  EXPECT_EQ(validate_scan("\x7f"), "line noise");
  EXPECT_EQ(validate_scan("x\xC2\x85y"), "line noise");  // C1 control U+0085
  EXPECT_EQ(validate_scan("\x1c"), "line noise");        // FS is not GS
}

}  // namespace
}  // namespace wedge::drivers::scanner
