// SeqRanges: in-order acks collapse into one range; out-of-order ones merge when the gap fills.
#include "daemon/outbox/seq_ranges.hpp"

#include <gtest/gtest.h>

namespace wedge::outbox {
namespace {

TEST(SeqRanges, InOrderInsertsCollapseIntoOneRange) {
  SeqRanges ranges;
  for (std::int64_t seq = 1; seq <= 100'000; ++seq) EXPECT_TRUE(ranges.insert(seq));
  EXPECT_EQ(ranges.range_count(), 1u);
  EXPECT_EQ(ranges.ranges(), (std::vector<SeqRange>{{1, 100'000}}));
  EXPECT_FALSE(ranges.insert(500));
}

TEST(SeqRanges, OutOfOrderInsertsMergeWhenTheGapFills) {
  SeqRanges ranges;
  EXPECT_TRUE(ranges.insert(5));
  EXPECT_TRUE(ranges.insert(3));
  EXPECT_TRUE(ranges.insert(9));
  EXPECT_EQ(ranges.range_count(), 3u);
  EXPECT_TRUE(ranges.insert(4));
  EXPECT_EQ(ranges.ranges(), (std::vector<SeqRange>{{3, 5}, {9, 9}}));
  ranges.insert(SeqRange{6, 8});
  EXPECT_EQ(ranges.ranges(), (std::vector<SeqRange>{{3, 9}}));
  ranges.insert(SeqRange{1, 20});
  EXPECT_EQ(ranges.ranges(), (std::vector<SeqRange>{{1, 20}}));
}

TEST(SeqRanges, ContainsAndErase) {
  SeqRanges ranges;
  ranges.insert(SeqRange{10, 20});
  ranges.insert(SeqRange{30, 40});
  EXPECT_TRUE(ranges.contains(10));
  EXPECT_TRUE(ranges.contains(20));
  EXPECT_FALSE(ranges.contains(21));
  EXPECT_FALSE(ranges.contains(9));
  ranges.erase(SeqRange{15, 35});
  EXPECT_EQ(ranges.ranges(), (std::vector<SeqRange>{{10, 14}, {36, 40}}));
  ranges.erase(SeqRange{0, 100});
  EXPECT_TRUE(ranges.empty());
  ranges.insert(SeqRange{5, 4});  // empty range: ignored
  EXPECT_TRUE(ranges.empty());
}

}  // namespace
}  // namespace wedge::outbox
