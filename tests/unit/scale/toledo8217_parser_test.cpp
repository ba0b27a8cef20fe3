// The 8217 frame parser and framer: weights, net, status bits (parity bit ignored), garbage.
#include "drivers/scale/toledo8217_parser.hpp"

#include <gtest/gtest.h>

namespace wedge::drivers::scale {
namespace {

TEST(Toledo8217Parser, WeightAndNet) {
  auto r = parse_toledo8217_frame(
      "\x02"
      "01.234\r");
  ASSERT_EQ(r.kind, Toledo8217Kind::weight) << r.reason;
  EXPECT_DOUBLE_EQ(r.value, 1.234);
  EXPECT_FALSE(r.net);
  r = parse_toledo8217_frame(
      "\x02"
      "0.500N\r");
  ASSERT_EQ(r.kind, Toledo8217Kind::weight);
  EXPECT_TRUE(r.net);
}

TEST(Toledo8217Parser, StatusBitsWithParityBitSet) {
  const auto r = parse_toledo8217_frame(std::string("\x02?") + static_cast<char>(0xC1) + "\r");
  ASSERT_EQ(r.kind, Toledo8217Kind::status);
  EXPECT_TRUE(r.motion);
  EXPECT_FALSE(r.over_capacity);
  EXPECT_EQ(r.status_byte, 0x41);
  EXPECT_EQ(r.reason, "motion");
  EXPECT_EQ(parse_toledo8217_frame("\x02?B\r").reason, "over capacity");
  EXPECT_EQ(parse_toledo8217_frame("\x02?D\r").reason, "under zero");
}

TEST(Toledo8217Parser, GarbageIsInvalid) {
  EXPECT_EQ(parse_toledo8217_frame("\x02"
                                   "1.2.3\r")
                .reason,
            "bad weight '1.2.3'");
  EXPECT_EQ(parse_toledo8217_frame("12\r").reason, "not an <STX>…<CR> frame");
  EXPECT_EQ(parse_toledo8217_frame("\x02?AB\r").kind, Toledo8217Kind::invalid);
  EXPECT_EQ(parse_toledo8217_frame("\x02N\r").kind, Toledo8217Kind::invalid);
}

TEST(Toledo8217Parser, FramerDropsNoiseAndWaitsForCr) {
  std::string buffer =
      "noise\x02"
      "1.0";
  EXPECT_FALSE(take_toledo8217_frame(buffer));
  buffer += "\r\x02?A\r";
  EXPECT_EQ(take_toledo8217_frame(buffer),
            "\x02"
            "1.0\r");
  EXPECT_EQ(take_toledo8217_frame(buffer), "\x02?A\r");
  EXPECT_FALSE(take_toledo8217_frame(buffer));
  buffer = "\x02" + std::string(64, '1');
  EXPECT_FALSE(take_toledo8217_frame(buffer));
  EXPECT_TRUE(buffer.empty());  // a babbling line does not grow the buffer
}

}  // namespace
}  // namespace wedge::drivers::scale
