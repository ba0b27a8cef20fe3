// Calendar dates: GS1 YYMMDD with the century rule and DD = 00, ISO dates, day arithmetic.
#include "daemon/gs1/gs1_date.hpp"

#include <gtest/gtest.h>

namespace wedge::station {
namespace {

TEST(Gs1Date, CenturyRuleSlidesAroundTheCurrentYear) {
  // GenSpecs 7.12: YY − current ≥ 51 → previous century; ≤ −50 → next; else current.
  EXPECT_EQ(gs1_century_year(25, 2025), 2025);
  EXPECT_EQ(gs1_century_year(75, 2025), 2075);  // diff 50 → current century
  EXPECT_EQ(gs1_century_year(76, 2025), 1976);  // diff 51 → previous
  EXPECT_EQ(gs1_century_year(99, 2025), 1999);
  EXPECT_EQ(gs1_century_year(0, 2025), 2000);
  EXPECT_EQ(gs1_century_year(10, 2098), 2110);  // diff −88 → next century
  EXPECT_EQ(gs1_century_year(48, 2098), 2148);  // diff −50 → next
  EXPECT_EQ(gs1_century_year(49, 2098), 2049);  // diff −49 → current
  EXPECT_EQ(gs1_century_year(99, 2001), 1999);  // diff 98 → previous
}

TEST(Gs1Date, DayZeroIsTheLastDayOfTheMonth) {
  EXPECT_EQ(parse_gs1_date("260600", 2025, true), (CalendarDate{2026, 6, 30}));
  EXPECT_EQ(parse_gs1_date("240200", 2025, true), (CalendarDate{2024, 2, 29}));
  EXPECT_EQ(parse_gs1_date("250200", 2025, true), (CalendarDate{2025, 2, 28}));
  EXPECT_EQ(parse_gs1_date("251200", 2025, true), (CalendarDate{2025, 12, 31}));
  EXPECT_EQ(parse_gs1_date("260600", 2025, false), std::nullopt);
}

TEST(Gs1Date, InvalidDates) {
  for (const auto* text : {"261331", "260001", "250229", "250431", "2506", "2506011", "25O601", "251232"})
    EXPECT_EQ(parse_gs1_date(text, 2025, true), std::nullopt) << text;
  EXPECT_EQ(parse_gs1_date("000229", 2025, true), (CalendarDate{2000, 2, 29}));  // 2000 is leap
}

TEST(Gs1Date, IsoDates) {
  EXPECT_EQ(parse_iso_date("2025-06-16"), (CalendarDate{2025, 6, 16}));
  for (const auto* text : {"2025-6-16", "2025-02-29", "2025-13-01", "2025-00-10", "20250616", "2025-06-16T00:00",
                           "2025/06/16", ""})
    EXPECT_EQ(parse_iso_date(text), std::nullopt) << text;
  EXPECT_EQ((CalendarDate{2025, 6, 5}).iso(), "2025-06-05");
}

TEST(Gs1Date, DayArithmeticRoundTrips) {
  EXPECT_EQ((CalendarDate{1970, 1, 1}).days_since_epoch(), 0);
  EXPECT_EQ((CalendarDate{2000, 3, 1}).days_since_epoch(), 11017);
  EXPECT_EQ((CalendarDate{2025, 6, 16}).plus_days(30), (CalendarDate{2025, 7, 16}));
  EXPECT_EQ((CalendarDate{2024, 2, 28}).plus_days(1), (CalendarDate{2024, 2, 29}));
  EXPECT_EQ((CalendarDate{2025, 12, 31}).plus_days(1), (CalendarDate{2026, 1, 1}));
  for (std::int64_t day = -800000; day < 800000; day += 997) {
    const auto date = CalendarDate::from_days_since_epoch(day);
    ASSERT_EQ(date.days_since_epoch(), day);
    ASSERT_GE(date.day, 1);
    ASSERT_LE(date.day, days_in_month(date.year, date.month));
  }
  EXPECT_LT((CalendarDate{2025, 6, 15}), (CalendarDate{2025, 6, 16}));
  const auto today = today_utc();
  EXPECT_GE(today.year, 2024);
}

}  // namespace
}  // namespace wedge::station
