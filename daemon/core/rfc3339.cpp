#include "daemon/core/rfc3339.hpp"

#include <cctype>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace wedge::core {

std::string format_rfc3339_ms(std::int64_t unix_ms) {
  // Floor division, so that times before 1970 still get a 0..999 millisecond field and the second
  // before it.
  std::int64_t seconds = unix_ms / 1000;
  std::int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

namespace {

// The `width` digits at `pos` as a number; empty when any of them is no digit.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_char(std::string_view text, std::size_t pos, char lower) {
  return pos < text.size() && std::tolower(static_cast<unsigned char>(text[pos])) == lower;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  const auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || !is_char(text, 4, '-') || !is_char(text, 7, '-') ||
      !is_char(text, 10, 't') || !is_char(text, 13, ':') || !is_char(text, 16, ':'))
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (is_char(text, pos, '.')) {
    ++pos;
    const std::size_t first = pos;
    for (; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])); ++pos)
      if (pos - first < 3) millis += (text[pos] - '0') * (pos - first == 0 ? 100 : pos - first == 1 ? 10 : 1);
    if (pos == first) return std::nullopt;
  }
  std::int64_t offset_minutes = 0;
  if (is_char(text, pos, 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const auto oh = digits(text, pos + 1, 2), om = digits(text, pos + 4, 2);
    if (!oh || !om || !is_char(text, pos + 3, ':') || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (text[pos] == '-' ? -1 : 1) * (*oh * 60 + *om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  const std::int64_t seconds = days * 86400LL + *hour * 3600LL + *minute * 60LL + *second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace wedge::core
