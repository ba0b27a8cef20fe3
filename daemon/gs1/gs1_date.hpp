// Calendar dates for the station domain: GS1 YYMMDD fields ((11) (15) (17) …) and ISO dates from
// pick lists (ship_date), with day arithmetic for shelf-life checks.
//
// GS1 dates follow the GS1 General Specifications §7.12: a two-digit year YY is placed in the
// century that puts it closest to the current year — YY − (current year mod 100) ≥ 51 → previous
// century, ≤ −50 → next century, otherwise the current century. DD = 00 means "no day given" and
// is read as the last day of that month (as jodal/biip does), so an expiry of 2602 00 is
// 2026-02-28. Month and day are validated including leap years.
//
// Pure value types and functions; any thread.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wedge::station {

struct CalendarDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..days_in_month

  auto operator<=>(const CalendarDate&) const = default;

  // Days since 1970-01-01 (negative before); exact for the proleptic Gregorian calendar.
  [[nodiscard]] std::int64_t days_since_epoch() const noexcept;
  [[nodiscard]] static CalendarDate from_days_since_epoch(std::int64_t days) noexcept;
  [[nodiscard]] CalendarDate plus_days(std::int64_t days) const noexcept;
  // "2026-06-30".
  [[nodiscard]] std::string iso() const;
};

[[nodiscard]] bool is_leap_year(int year) noexcept;
[[nodiscard]] int days_in_month(int year, int month) noexcept;  // 0 for a bad month

// Four-digit year for a GS1 two-digit year, by the §7.12 sliding window around current_year.
[[nodiscard]] int gs1_century_year(int two_digit_year, int current_year) noexcept;

// A GS1 YYMMDD value. `day_zero_allowed` is true for the AIs whose format is "YYMMD0" in the
// GS1 syntax dictionary (11, 12, 13, 15, 16, 17). Empty when the text is not 6 digits, the month
// is not 1..12 or the day does not exist in that month.
[[nodiscard]] std::optional<CalendarDate> parse_gs1_date(std::string_view yymmdd, int current_year,
                                                         bool day_zero_allowed);

// A strict ISO 8601 calendar date "YYYY-MM-DD" (as used in pick lists); empty when malformed or
// the day does not exist.
[[nodiscard]] std::optional<CalendarDate> parse_iso_date(std::string_view text);

// Today's date in UTC from the system clock (the only impure helper; callers that need
// determinism pass dates explicitly).
[[nodiscard]] CalendarDate today_utc();

}  // namespace wedge::station
