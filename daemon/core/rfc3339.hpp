// Timestamps on the wire (envelope `ts`, status `since`, command replies, KPI windows): RFC 3339 in
// UTC with milliseconds, e.g. "2026-11-27T05:01:02.123Z". The one formatter of them.
//
// Threading: pure, any thread.
#pragma once

#include <cstdint>
#include <string>

namespace wedge::core {

// `unix_ms` milliseconds since 1970-01-01T00:00:00Z; times before 1970 count down from there
// (-1 is "1969-12-31T23:59:59.999Z": the millisecond field is never negative).
[[nodiscard]] std::string format_rfc3339_ms(std::int64_t unix_ms);

}  // namespace wedge::core
