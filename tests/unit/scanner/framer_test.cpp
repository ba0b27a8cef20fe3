// Framer: terminators, split and merged input, over-long scans, flush.
#include "drivers/scanner/framer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wedge::drivers::scanner {
namespace {

std::vector<std::string> datas(const std::vector<Frame>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) out.push_back(f.reject_reason.empty() ? f.data : "!" + f.reject_reason);
  return out;
}

Framer make(std::string_view terminator, std::size_t max = 100) {
  return Framer(*parse_terminator(terminator), max);
}

TEST(ScannerFramer, ParsesTerminators) {
  EXPECT_EQ(parse_terminator("cr")->kind, Terminator::Kind::cr);
  EXPECT_EQ(parse_terminator("lf")->kind, Terminator::Kind::lf);
  EXPECT_EQ(parse_terminator("crlf")->kind, Terminator::Kind::crlf);
  EXPECT_EQ(parse_terminator("any")->kind, Terminator::Kind::any);
  EXPECT_EQ(parse_terminator("none")->kind, Terminator::Kind::none);
  EXPECT_EQ(parse_terminator("byte:0x03")->byte, 0x03);
  EXPECT_EQ(parse_terminator("byte:0X1c")->byte, 0x1C);
  EXPECT_EQ(parse_terminator("byte:13")->byte, 13);
  EXPECT_FALSE(parse_terminator("byte:0x100"));
  EXPECT_FALSE(parse_terminator("byte:"));
  EXPECT_FALSE(parse_terminator("byte:0xZZ"));
  EXPECT_FALSE(parse_terminator("CR"));
  EXPECT_FALSE(parse_terminator(""));
  EXPECT_EQ(to_string(*parse_terminator("byte:3")), "byte:0x03");
}

TEST(ScannerFramer, CrTerminator) {
  auto framer = make("cr");
  EXPECT_EQ(datas(framer.feed("123\r456\r")), (std::vector<std::string>{"123", "456"}));
  EXPECT_FALSE(framer.has_partial());
}

TEST(ScannerFramer, LfTerminator) {
  auto framer = make("lf");
  EXPECT_EQ(datas(framer.feed("abc\ndef\n")), (std::vector<std::string>{"abc", "def"}));
}

TEST(ScannerFramer, CrlfTerminatorSplitBetweenCrAndLf) {
  auto framer = make("crlf");
  EXPECT_TRUE(framer.feed("0123\r").empty());
  EXPECT_EQ(datas(framer.feed("\n4567\r\n")), (std::vector<std::string>{"0123", "4567"}));
}

TEST(ScannerFramer, CrlfTerminatorKeepsLoneCrAsData) {
  auto framer = make("crlf");
  const auto frames = framer.feed("ab\rcd\r\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].data, "ab\rcd");
}

TEST(ScannerFramer, AnyTerminatorAcceptsCrLfAndCrlfWithoutEmptyScans) {
  auto framer = make("any");
  EXPECT_EQ(datas(framer.feed("a\rb\nc\r\nd\r")), (std::vector<std::string>{"a", "b", "c", "d"}));
  // The LF of a CRLF split across reads is still swallowed.
  EXPECT_EQ(datas(framer.feed("\ne\r\n\r\n")), (std::vector<std::string>{"e"}));
}

TEST(ScannerFramer, ByteTerminator) {
  auto framer = make("byte:0x03");
  EXPECT_EQ(datas(framer.feed("\x02" "abc\x03xyz\x03")),
            (std::vector<std::string>{"\x02" "abc", "xyz"}));
}

TEST(ScannerFramer, NoneTerminatorFramesOnlyOnFlush) {
  auto framer = make("none");
  EXPECT_TRUE(framer.feed("abc\rdef").empty());
  auto frame = framer.flush();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, "abc\rdef");
  EXPECT_TRUE(frame->timed_out);
  EXPECT_FALSE(framer.flush());
}

TEST(ScannerFramer, ByteByByteEqualsOneWrite) {
  const std::string stream = "]C1010950123456789017\x1d" "10ABC\r\n4006381333931\r\nxyz\r\n";
  for (const auto* terminator : {"cr", "lf", "crlf", "any"}) {
    auto whole = make(terminator);
    auto bytewise = make(terminator);
    std::vector<Frame> split;
    for (const char c : stream) bytewise.feed(std::string_view(&c, 1), split);
    EXPECT_EQ(datas(whole.feed(stream)), datas(split)) << terminator;
  }
}

TEST(ScannerFramer, EmptyFramesAreSkipped) {
  auto framer = make("cr");
  EXPECT_EQ(datas(framer.feed("\r\r12\r\r")), (std::vector<std::string>{"12"}));
}

TEST(ScannerFramer, OverlongScanIsCutRejectedAndNeighboursSurvive) {
  auto framer = make("cr", 5);
  const auto frames = framer.feed("good1\r0123456789\rgood2\r");
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].data, "good1");
  EXPECT_TRUE(frames[1].too_long);
  EXPECT_EQ(frames[1].length, 10u);
  EXPECT_EQ(frames[1].data, "01234");  // cut at max_length
  EXPECT_EQ(frames[1].reject_reason, "too long (10 > max 5)");
  EXPECT_EQ(frames[2].data, "good2");
  EXPECT_TRUE(frames[2].reject_reason.empty());
}

TEST(ScannerFramer, OverlongScanSplitAcrossManyReads) {
  auto framer = make("lf", 4);
  std::vector<Frame> frames;
  for (int i = 0; i < 100; ++i) framer.feed("xxxxxxxxxx", frames);
  EXPECT_TRUE(frames.empty());
  framer.feed("\nok\n", frames);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].reject_reason, "too long (1000 > max 4)");
  EXPECT_EQ(frames[1].data, "ok");
}

TEST(ScannerFramer, FlushEndsPartialAndKeepsTooLongReason) {
  auto framer = make("cr", 3);
  framer.feed("abcdef");
  ASSERT_TRUE(framer.has_partial());
  auto frame = framer.flush();
  ASSERT_TRUE(frame);
  EXPECT_TRUE(frame->timed_out);
  EXPECT_EQ(frame->reject_reason, "too long (6 > max 3)");
  EXPECT_FALSE(framer.has_partial());
}

TEST(ScannerFramer, FlushOfPendingCrInCrlfMode) {
  auto framer = make("crlf");
  framer.feed("ab\r");
  EXPECT_TRUE(framer.has_partial());
  auto frame = framer.flush();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, "ab\r");
}

TEST(ScannerFramer, ResetDropsPartial) {
  auto framer = make("cr");
  framer.feed("abc");
  framer.reset();
  EXPECT_EQ(datas(framer.feed("def\r")), (std::vector<std::string>{"def"}));
}

}  // namespace
}  // namespace wedge::drivers::scanner
