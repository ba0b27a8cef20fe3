// Structured journal fields from a log line's tags.
//
// wedge's log lines name what they are about with `key=value` tags (`station=pack-1 order=SO-1 …`,
// `device=scale-1 …`, `event_id=…`: docs/operations.md, "Journal fields"). Sent to journald, those
// tags also become fields, so that `journalctl STATION=pack-1` selects a station's lines:
//
//   station=   → STATION=      order=   → ORDER_ID=
//   device=    → DEVICE=       event_id= → EVENT_ID=
//
// A tag starts a word (at the start of the line or after a space or '('); its value runs to the
// next space, ',', ';', ')' or '"', without a trailing ':'. Empty values and repeated tags (the
// first counts) are left out. Pure; any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wedge::core {

// (FIELD, value) pairs in the order the tags appear.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> journal_fields(std::string_view line);

}  // namespace wedge::core
