// Scan validation: decides whether framed bytes are a scan or a bad scan, and why.
//
// A scan is valid UTF-8 text without control characters, except GS (0x1D) which separates GS1
// fields. Checks in order, first failure wins, reason strings are exact (docs and tests rely on them):
//   "empty scan"    nothing left (e.g. only an AIM identifier)
//   "NUL byte"      a 0x00 anywhere
//   "line noise"    a control byte 0x01-0x1F (except GS 0x1D) or 0x7F
//   "invalid UTF-8" a malformed, overlong or surrogate sequence, or a code point past U+10FFFF
//   "line noise"    a C1 control character U+0080-U+009F
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wedge::drivers::scanner {

// nullopt when `data` is a valid scan, else the reason it is not.
std::optional<std::string> validate_scan(std::string_view data);

bool is_valid_utf8(std::string_view data);

}  // namespace wedge::drivers::scanner
