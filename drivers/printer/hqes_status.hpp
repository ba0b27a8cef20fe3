// Zebra `~HQES` (host query, extended status) replies: a pure parser, the reasons and warnings it
// gives, and stream framing that tells a ~HQES reply from a ~HS reply.
//
// A `~HQES` reply is one `<STX>…<ETX>` frame (ZPL II Programming Guide, ~HQ; see
// docs/drivers/printer.md) whose body is CR LF separated lines:
//     PRINTER STATUS
//        ERRORS:   f gggggggg hhhhhhhh
//        WARNINGS: f gggggggg hhhhhhhh
// f is 1 when any bit is set; gggggggg (group 2) and hhhhhhhh (group 1) are hex bitmasks. Group 1
// errors: 0x1 media out, 0x2 ribbon out, 0x4 head open, 0x8 cutter fault, 0x10 printhead over
// temperature, 0x20 motor over temperature, 0x40 bad printhead element, 0x80 printhead detection
// error, 0x100 invalid firmware configuration, 0x200 printhead thermistor open (higher bits and
// group 2: kiosk printers). Group 1 warnings: 0x1 need to calibrate media, 0x2 clean printhead,
// 0x4 replace printhead, 0x8 paper near end. There is no ribbon-low bit.
//
// Everything here is pure and thread-agnostic; bad input gives an error value, never a crash.
#pragma once

#include "daemon/core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::drivers {

struct HqesGroup {
  bool flag = false;           // the printer's own "something is set" digit
  std::uint32_t group2 = 0;    // high group (kiosk printers only)
  std::uint32_t group1 = 0;    // the bits every printer uses
  bool operator==(const HqesGroup&) const = default;
};

struct HqesStatus {
  HqesGroup errors;
  HqesGroup warnings;
  bool operator==(const HqesStatus&) const = default;
};

// Parses one complete reply: one STX..ETX frame (an optional CR LF after ETX) holding the
// "PRINTER STATUS", "ERRORS:" and "WARNINGS:" lines. Strict on the fields, lenient on spaces and
// line terminators.
// A malformed reply is Errc::invalid_argument with what is wrong with it.
core::Result<HqesStatus> parse_hqes_reply(std::string_view reply);

// Why the printer cannot print, joined with ", " ("paper out, head open"), using the same words
// as hs_fault_reason() for the same conditions; empty when no error is set. Unknown bits are named
// by value ("printer error 0x00000000 00000400") so that they are never silently ignored.
[[nodiscard]] std::string hqes_error_reason(const HqesStatus& status);

// The warnings, one short sentence each in bit order ("paper near end", "clean printhead").
[[nodiscard]] std::vector<std::string> hqes_warnings(const HqesStatus& status);

enum class StatusReplyKind { hs, hqes };
struct StatusReply {
  StatusReplyKind kind = StatusReplyKind::hs;
  std::string text;
};

// Stream framing for a connection that carries both replies: removes and returns the first
// complete reply from `buffer`, or nullopt when none is complete yet. A frame whose body names
// PRINTER STATUS, ERRORS: or WARNINGS: is a ~HQES reply; so is any other single frame that is not
// the start of a ~HS reply (digits and commas) while `expecting_hqes`, so a garbled ~HQES answer
// is judged (and refused) at once rather than waited on. Everything else is framed as ~HS
// (take_hs_reply, with its bound on the buffer).
[[nodiscard]] std::optional<StatusReply> take_status_reply(std::string& buffer,
                                                           bool expecting_hqes);

}  // namespace wedge::drivers
