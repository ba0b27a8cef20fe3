// The one RFC 3339 formatter: UTC, milliseconds always three digits, and times before 1970 count
// down from the epoch (a copy that truncated instead of flooring printed "-01" milliseconds there).
#include "daemon/core/rfc3339.hpp"

#include <gtest/gtest.h>

namespace {

using wedge::core::format_rfc3339_ms;

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

}  // namespace
