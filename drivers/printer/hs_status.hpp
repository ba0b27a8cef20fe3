// Zebra `~HS` (host status) replies: framing and a pure parser.
//
// A `~HS` reply is three lines, each `<STX>fields<ETX><CR><LF>`, fields separated by commas and
// numbered from 0 (ZPL II Programming Guide, ~HS; see docs/drivers/printer.md):
//   line 1  aaa,b,c,dddd,eee,f,g,h,iii,j,k,l   [1] paper out [2] paused [3] label length (dots)
//           [4] formats in buffer [5] buffer full [7] partial format [9] corrupt RAM
//           [10] head under temperature [11] head over temperature
//   line 2  mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www   [2] head up (open) [3] ribbon out
//           [4] thermal transfer mode [5] print mode [7] label waiting [8] labels remaining
//   line 3  xxxx,y                             password, static RAM (not used)
//
// Everything here is pure and thread-agnostic; bad input gives an error value, never a crash.
#pragma once

#include "daemon/core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wedge::drivers {

struct HsStatus {
  // Line 1
  bool paper_out = false;
  bool paused = false;
  std::int64_t label_length_dots = 0;
  std::int64_t formats_in_buffer = 0;
  bool buffer_full = false;
  bool partial_format = false;
  bool corrupt_ram = false;
  bool under_temperature = false;
  bool over_temperature = false;
  // Line 2
  bool head_open = false;
  bool ribbon_out = false;
  bool thermal_transfer = false;
  std::int64_t print_mode = 0;
  bool label_waiting = false;
  std::int64_t labels_remaining = 0;

  bool operator==(const HsStatus&) const = default;
};

// Parses one complete reply (exactly three STX..ETX CRLF frames, nothing else). Lenient on the
// line terminator (CRLF, LF or none after ETX) because some firmware omits it; strict on the
// fields used. A malformed reply is Errc::invalid_argument with what is wrong with it.
core::Result<HsStatus> parse_hs_reply(std::string_view reply);

// Stream framing: removes and returns the first complete three-frame reply from `buffer`, or
// nullopt when none is complete yet. Bytes before the first STX (noise, echoes) are dropped, and a
// buffer that grows past kHsMaxBuffer without a complete reply is trimmed so that a babbling
// device cannot grow it without bound.
inline constexpr std::size_t kHsMaxBuffer = 4096;
[[nodiscard]] std::optional<std::string> take_hs_reply(std::string& buffer);

// The reasons this status prevents printing, joined with ", " ("paper out, head open"); empty when
// the printer can print. Order is fixed so that the health reason is stable between polls.
[[nodiscard]] std::string hs_fault_reason(const HsStatus& status);

}  // namespace wedge::drivers
