// ~HQES parser, reasons, warnings and the framing that tells ~HQES from ~HS: a table of replies,
// including garbage.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "drivers/printer/hqes_status.hpp"

namespace wedge::drivers {
namespace {

std::string hqes(const std::string& errors, const std::string& warnings) {
  return "\x02\r\nPRINTER STATUS\r\n   ERRORS:   " + errors + "\r\n   WARNINGS: " + warnings +
         "\r\n\x03\r\n";
}

const std::string kHsReply =
    "\x02" "030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n"
    "\x02" "000,0,0,0,1,2,4,0,00000000,1,000\x03\r\n"
    "\x02" "1234,0\x03\r\n";

TEST(HqesParse, IdlePrinterHasNoErrorAndNoWarning) {
  auto r = parse_hqes_reply(hqes("0 00000000 00000000", "0 00000000 00000000"));
  ASSERT_TRUE(r) << r.reason();
  EXPECT_EQ(hqes_error_reason(*r), "");
  EXPECT_TRUE(hqes_warnings(*r).empty());
}

TEST(HqesParse, EachErrorBitHasItsReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"00000001", "paper out"},
      {"00000002", "ribbon out"},
      {"00000004", "head open"},
      {"00000008", "cutter fault"},
      {"00000010", "head over temperature"},
      {"00000020", "motor over temperature"},
      {"00000040", "bad printhead element"},
      {"00000080", "printhead detection error"},
      {"00000100", "invalid firmware configuration"},
      {"00000200", "printhead thermistor open"},
      {"00000005", "paper out, head open"},
      {"00001000", "printer error 0x00000000 00001000"},
      {"00000000", "printer reports an error without a code"},
  };
  for (const auto& [bits, reason] : cases) {
    auto r = parse_hqes_reply(hqes("1 00000000 " + bits, "0 00000000 00000000"));
    ASSERT_TRUE(r) << bits << ": " << r.reason();
    EXPECT_EQ(hqes_error_reason(*r), reason) << bits;
  }
  auto kiosk = parse_hqes_reply(hqes("1 00000002 00000001", "0 00000000 00000000"));
  ASSERT_TRUE(kiosk) << kiosk.reason();
  EXPECT_EQ(hqes_error_reason(*kiosk), "paper out, printer error 0x00000002 00000000");
}

TEST(HqesParse, EachWarningBitIsAWarning) {
  auto r = parse_hqes_reply(hqes("0 00000000 00000000", "1 00000000 0000000f"));
  ASSERT_TRUE(r) << r.reason();
  EXPECT_EQ(hqes_error_reason(*r), "");
  EXPECT_EQ(hqes_warnings(*r),
            (std::vector<std::string>{"media needs calibration", "clean printhead",
                                      "replace printhead", "paper near end"}));
  auto unknown = parse_hqes_reply(hqes("0 00000000 00000000", "1 00000000 00000018"));
  ASSERT_TRUE(unknown) << unknown.reason();
  EXPECT_EQ(hqes_warnings(*unknown),
            (std::vector<std::string>{"paper near end", "printer warning 0x00000000 00000010"}));
}

TEST(HqesParse, LenientOnSpacingAndTerminators) {
  auto r = parse_hqes_reply("\x02PRINTER STATUS\nERRORS: 1 0 4\nWARNINGS:\t0 0 0\x03");
  ASSERT_TRUE(r) << r.reason();
  EXPECT_EQ(hqes_error_reason(*r), "head open");
}

TEST(HqesParse, GarbageIsAnErrorWithAReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected STX at byte 0"},
      {"PRINTER STATUS", "expected STX at byte 0"},
      {"\x02PRINTER STATUS\r\n", "frame without ETX"},
      {"\x02\r\nPRINTER STATUS\r\n\x03\r\n", "no ERRORS: line"},
      {"\x02\x03", "no PRINTER STATUS line"},
      {"\x02\r\nPRINTER STATUS\r\nERRORS: x zzzzzzzz\r\n\x03", "ERRORS: has 2 fields, expected 3"},
      {"\x02PRINTER STATUS\r\nERRORS: 2 0 0\r\nWARNINGS: 0 0 0\x03", "ERRORS: flag is not 0 or 1"},
      {"\x02PRINTER STATUS\r\nERRORS: 0 0 0\r\n\x03", "no WARNINGS: line"},
      {"\x02PRINTER STATUS\r\nERRORS: 0 0 0g\r\nWARNINGS: 0 0 0\x03",
       "ERRORS: has a malformed hex field"},
      {"\x02PRINTER STATUS\r\nERRORS: 0 0 123456789\r\nWARNINGS: 0 0 0\x03",
       "ERRORS: has a malformed hex field"},
      {"\x02PRINTER STATUS\r\nERRORS: 0 0 0\r\nWARNINGS: 0 0 0 0\x03",
       "WARNINGS: has 4 fields, expected 3"},
      {"\x02PRINTER STATUS\r\nERRORS: 0 0 0\r\nWARNINGS: 0 0 0\x03xx", "bytes after ETX"},
      {"\x02PRINTER\x02 STATUS\x03", "STX inside a frame"},
  };
  for (const auto& [input, error] : cases) {
    auto r = parse_hqes_reply(input);
    EXPECT_FALSE(r) << input;
    EXPECT_EQ(r.reason(), error) << input;
  }
}

TEST(StatusFraming, TellsHqesFromHsAndWaitsForCompleteReplies) {
  const auto one = hqes("0 00000000 00000000", "1 00000000 00000008");
  std::string buffer = "noise" + one.substr(0, 10);
  EXPECT_FALSE(take_status_reply(buffer, true));
  buffer += one.substr(10) + kHsReply;
  auto first = take_status_reply(buffer, true);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kind, StatusReplyKind::hqes);
  EXPECT_EQ(first->text, one);
  // A ~HS reply is framed as ~HS even while ~HQES is expected: its first line is digits and commas.
  auto second = take_status_reply(buffer, true);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->kind, StatusReplyKind::hs);
  EXPECT_EQ(second->text, kHsReply);
  EXPECT_TRUE(buffer.empty());
}

TEST(StatusFraming, AGarbledFrameIsTheHqesReplyOnlyWhileOneIsExpected) {
  std::string buffer = "\x02garbage\x03\r\n";
  auto expected = take_status_reply(buffer, true);
  ASSERT_TRUE(expected);
  EXPECT_EQ(expected->kind, StatusReplyKind::hqes);
  EXPECT_FALSE(parse_hqes_reply(expected->text));
  buffer = "\x02garbage\x03\r\n";
  EXPECT_FALSE(take_status_reply(buffer, false));  // waits for two more ~HS frames
}

}  // namespace
}  // namespace wedge::drivers
