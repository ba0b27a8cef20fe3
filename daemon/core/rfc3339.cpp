#include "daemon/core/rfc3339.hpp"

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

}  // namespace wedge::core
