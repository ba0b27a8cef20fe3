// Timestamps on the wire (envelope `ts`, status `since`, command replies, KPI windows): RFC 3339 in
// UTC with milliseconds, e.g. "2026-11-27T05:01:02.123Z". The one formatter of them, and the parser
// of the timestamps the OMS sends (a pick list's `ship_by`).
//
// Threading: pure, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wedge::core {

// `unix_ms` milliseconds since 1970-01-01T00:00:00Z; times before 1970 count down from there
// (-1 is "1969-12-31T23:59:59.999Z": the millisecond field is never negative).
[[nodiscard]] std::string format_rfc3339_ms(std::int64_t unix_ms);

// An RFC 3339 date-time ("2026-12-06T17:00:00Z", "2026-12-06T18:00:00.5+01:00"; 'T' and 'Z' in
// either case; fractions beyond milliseconds are cut) as milliseconds since the epoch; empty when
// the text is no such date-time, names a day that does not exist, or has no offset.
[[nodiscard]] std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace wedge::core
