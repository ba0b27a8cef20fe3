// The one RFC 3339 formatter: UTC, milliseconds always three digits, and times before 1970 count
// down from the epoch (a copy that truncated instead of flooring printed "-01" milliseconds there).
#include "daemon/core/rfc3339.hpp"

#include <gtest/gtest.h>

namespace {

using wedge::core::format_rfc3339_ms;
using wedge::core::parse_rfc3339_ms;

TEST(Rfc3339, UtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339_ms(1'795'755'662'123), "2026-11-27T05:01:02.123Z");
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(1'795'755'662'005), "2026-11-27T05:01:02.005Z");
}

TEST(Rfc3339, TimesBefore1970CountDownFromTheEpoch) {
  EXPECT_EQ(format_rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339_ms(-999), "1969-12-31T23:59:59.001Z");
  EXPECT_EQ(format_rfc3339_ms(-1000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(format_rfc3339_ms(-1001), "1969-12-31T23:59:58.999Z");
  EXPECT_EQ(format_rfc3339_ms(-86'400'000), "1969-12-31T00:00:00.000Z");
}

// The pick list's ship_by: what the OMS sends, with or without fraction and offset.
TEST(Rfc3339, ParsesDateTimesWithAnOffset) {
  EXPECT_EQ(parse_rfc3339_ms("2026-11-27T05:01:02.123Z"), 1'795'755'662'123);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-27T05:01:02Z"), 1'795'755'662'000);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-27t05:01:02.1234567z"), 1'795'755'662'123);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-27T06:01:02.5+01:00"), 1'795'755'662'500);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-27T00:31:02-04:30"), 1'795'755'662'000);
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  const auto now = parse_rfc3339_ms(format_rfc3339_ms(1'795'755'662'999));
  EXPECT_EQ(now, 1'795'755'662'999);
}

TEST(Rfc3339, RefusesWhatIsNoDateTime) {
  for (const char* bad : {"", "2026-11-27", "2026-11-27T05:01:02", "2026-11-27 05:01:02Z", "2026-02-30T05:01:02Z",
                          "2026-11-27T24:00:00Z", "2026-11-27T05:60:00Z", "2026-11-27T05:01:60Z",
                          "2026-11-27T05:01:02.Z", "2026-11-27T05:01:02+0100", "2026-11-27T05:01:02Zx",
                          "tomorrow", "2026-1-27T05:01:02Z", "2026-11-27T05:01:02+24:00"})
    EXPECT_FALSE(parse_rfc3339_ms(bad).has_value()) << bad;
}

}  // namespace
