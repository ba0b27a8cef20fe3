// ~HS parser and framing: a table of replies, including garbage.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "drivers/printer/hs_status.hpp"

namespace wedge::drivers {
namespace {

std::string frame(const std::string& l1, const std::string& l2, const std::string& l3 = "1234,0") {
  return "\x02" + l1 + "\x03\r\n\x02" + l2 + "\x03\r\n\x02" + l3 + "\x03\r\n";
}

const std::string kIdle1 = "030,0,0,1245,000,0,0,0,000,0,0,0";
const std::string kIdle2 = "000,0,0,0,1,2,4,0,00000000,1,000";

TEST(HsParse, IdlePrinterIsWell) {
  auto r = parse_hs_reply(frame(kIdle1, kIdle2));
  ASSERT_TRUE(r) << r.reason();
  EXPECT_FALSE(r->paper_out);
  EXPECT_FALSE(r->head_open);
  EXPECT_TRUE(r->thermal_transfer);
  EXPECT_EQ(r->label_length_dots, 1245);
  EXPECT_EQ(r->print_mode, 2);
  EXPECT_EQ(hs_fault_reason(*r), "");
}

struct FlagCase {
  std::string l1;
  std::string l2;
  std::string reason;
};

TEST(HsParse, EachFlagAtItsIndex) {
  const std::vector<FlagCase> cases = {
      {"030,1,0,1245,000,0,0,0,000,0,0,0", kIdle2, "paper out"},
      {"030,0,1,1245,000,0,0,0,000,0,0,0", kIdle2, "paused"},
      {"030,0,0,1245,000,1,0,0,000,0,0,0", kIdle2, "buffer full"},
      {"030,0,0,1245,000,0,0,0,000,1,0,0", kIdle2, "corrupt RAM"},
      {"030,0,0,1245,000,0,0,0,000,0,1,0", kIdle2, "head under temperature"},
      {"030,0,0,1245,000,0,0,0,000,0,0,1", kIdle2, "head over temperature"},
      {kIdle1, "000,0,1,0,1,2,4,0,00000000,1,000", "head open"},
      {kIdle1, "000,0,0,1,1,2,4,0,00000000,1,000", "ribbon out"},
      {"030,1,1,1245,000,0,0,0,000,0,0,0", "000,0,1,0,1,2,4,0,00000000,1,000",
       "paper out, head open, paused"},
  };
  for (const auto& c : cases) {
    auto r = parse_hs_reply(frame(c.l1, c.l2));
    ASSERT_TRUE(r) << c.reason << ": " << r.reason();
    EXPECT_EQ(hs_fault_reason(*r), c.reason);
  }
}

TEST(HsParse, CountersAndPartialFormat) {
  auto r = parse_hs_reply(frame("030,0,0,0812,007,0,0,1,000,0,0,0",
                                "000,0,0,0,0,1,4,1,00000042,1,000"));
  ASSERT_TRUE(r) << r.reason();
  EXPECT_EQ(r->formats_in_buffer, 7);
  EXPECT_TRUE(r->partial_format);
  EXPECT_TRUE(r->label_waiting);
  EXPECT_EQ(r->labels_remaining, 42);
  EXPECT_EQ(r->print_mode, 1);
  EXPECT_FALSE(r->thermal_transfer);
}

TEST(HsParse, LenientLineEndings) {
  const std::string lf_only = "\x02" + kIdle1 + "\x03\n\x02" + kIdle2 + "\x03\n\x02" "1234,0\x03";
  EXPECT_TRUE(parse_hs_reply(lf_only));
}

TEST(HsParse, GarbageIsAnErrorNotACrash) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected 3 lines, got 0"},
      {"hello", "expected STX at byte 0"},
      {"\x02" + kIdle1 + "\x03\r\n", "expected 3 lines, got 1"},
      {"\x02" + kIdle1, "frame without ETX"},
      {frame(kIdle1, kIdle2) + frame(kIdle1, kIdle2), "expected 3 lines, got 6"},
      {frame("030,0,0,1245,000,0,0,0,000,0,0", kIdle2), "line 1 has 11 fields, expected 12"},
      {frame(kIdle1, "000,0,0,0,1,2,4,0,00000000,1"), "line 2 has 10 fields, expected 11"},
      {frame(kIdle1, kIdle2, "1234"), "line 3 has 1 fields, expected 2"},
      {frame("030,2,0,1245,000,0,0,0,000,0,0,0", kIdle2), "line 1 has a malformed field"},
      {frame("030,x,0,1245,000,0,0,0,000,0,0,0", kIdle2), "line 1 has a malformed field"},
      {frame("030,0,0,-1,000,0,0,0,000,0,0,0", kIdle2), "line 1 has a malformed field"},
      {frame("030,0,0,,000,0,0,0,000,0,0,0", kIdle2), "line 1 has a malformed field"},
      {frame(kIdle1, "000,0,0,0,1,2,4,0,0000000000000,1,000"), "line 2 has a malformed field"},
      {frame(kIdle1, "000,0, 1,0,1,2,4,0,00000000,1,000"), "line 2 has a malformed field"},
      {"\x02\x02" + kIdle1 + "\x03", "STX inside a frame"},
  };
  for (const auto& [input, error] : cases) {
    auto r = parse_hs_reply(input);
    EXPECT_FALSE(r) << input;
    EXPECT_EQ(r.reason(), error) << input;
  }
}

TEST(HsFraming, ReplySplitAcrossReads) {
  const auto reply = frame(kIdle1, kIdle2);
  std::string buffer;
  for (std::size_t i = 0; i + 1 < reply.size(); ++i) {
    buffer += reply[i];
    // The reply is complete at the third ETX (its CRLF may still be on the way).
    if (i + 3 < reply.size()) {
      EXPECT_FALSE(take_hs_reply(buffer).has_value()) << i;
    }
  }
  buffer += reply.back();
  std::string rest = buffer;
  auto got = take_hs_reply(rest);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(parse_hs_reply(*got));
}

TEST(HsFraming, NoiseBeforeReplyIsDropped) {
  std::string buffer = "junk\r\n" + frame(kIdle1, kIdle2) + "\x02" "030";
  auto got = take_hs_reply(buffer);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, frame(kIdle1, kIdle2));
  EXPECT_EQ(buffer, "\x02" "030");
}

TEST(HsFraming, TwoRepliesComeOutOneByOne) {
  std::string buffer = frame(kIdle1, kIdle2) + frame("030,1,0,1245,000,0,0,0,000,0,0,0", kIdle2);
  auto first = take_hs_reply(buffer);
  auto second = take_hs_reply(buffer);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(parse_hs_reply(*first)->paper_out);
  EXPECT_TRUE(parse_hs_reply(*second)->paper_out);
  EXPECT_TRUE(buffer.empty());
}

TEST(HsFraming, BabblingDeviceCannotGrowTheBuffer) {
  std::string buffer;
  for (int i = 0; i < 2000; ++i) {
    buffer += "\x02no end in sight ";
    (void)take_hs_reply(buffer);
    ASSERT_LE(buffer.size(), kHsMaxBuffer + 64);
  }
  std::string no_stx(10000, 'x');
  EXPECT_FALSE(take_hs_reply(no_stx).has_value());
  EXPECT_TRUE(no_stx.empty());
}

}  // namespace
}  // namespace wedge::drivers
