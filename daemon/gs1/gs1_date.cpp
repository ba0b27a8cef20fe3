#include "daemon/gs1/gs1_date.hpp"

#include <chrono>
#include <cstdio>

namespace wedge::station {
namespace {

bool all_digits(std::string_view text) {
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

int two_digits(std::string_view text, std::size_t at) {
  return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

}  // namespace

bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) noexcept {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

// Howard Hinnant's days_from_civil / civil_from_days: exact, branch-light, no tables.
std::int64_t CalendarDate::days_since_epoch() const noexcept {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t m = month;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CalendarDate CalendarDate::from_days_since_epoch(std::int64_t days) noexcept {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return CalendarDate{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

CalendarDate CalendarDate::plus_days(std::int64_t days) const noexcept {
  return from_days_since_epoch(days_since_epoch() + days);
}

std::string CalendarDate::iso() const {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return buffer;
}

int gs1_century_year(int two_digit_year, int current_year) noexcept {
  const int current_century = current_year - current_year % 100;
  const int diff = two_digit_year - current_year % 100;
  if (diff >= 51) return current_century - 100 + two_digit_year;
  if (diff <= -50) return current_century + 100 + two_digit_year;
  return current_century + two_digit_year;
}

std::optional<CalendarDate> parse_gs1_date(std::string_view yymmdd, int current_year,
                                           bool day_zero_allowed) {
  if (yymmdd.size() != 6 || !all_digits(yymmdd)) return std::nullopt;
  const int year = gs1_century_year(two_digits(yymmdd, 0), current_year);
  const int month = two_digits(yymmdd, 2);
  int day = two_digits(yymmdd, 4);
  const int month_days = days_in_month(year, month);
  if (month_days == 0) return std::nullopt;
  if (day == 0) {
    if (!day_zero_allowed) return std::nullopt;
    day = month_days;
  }
  if (day > month_days) return std::nullopt;
  return CalendarDate{year, month, day};
}

std::optional<CalendarDate> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto year_text = text.substr(0, 4);
  const auto month_text = text.substr(5, 2);
  const auto day_text = text.substr(8, 2);
  if (!all_digits(year_text) || !all_digits(month_text) || !all_digits(day_text)) return std::nullopt;
  const int year = two_digits(year_text, 0) * 100 + two_digits(year_text, 2);
  const int month = two_digits(month_text, 0);
  const int day = two_digits(day_text, 0);
  const int month_days = days_in_month(year, month);
  if (month_days == 0 || day < 1 || day > month_days) return std::nullopt;
  return CalendarDate{year, month, day};
}

CalendarDate today_utc() {
  const auto now = std::chrono::system_clock::now();
  const auto days = std::chrono::duration_cast<std::chrono::hours>(now.time_since_epoch()).count() / 24;
  return CalendarDate::from_days_since_epoch(days);
}

}  // namespace wedge::station
