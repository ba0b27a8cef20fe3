// Pure framing and parsing of the Mettler Toledo 8217 ("weight only") protocol, the serial protocol
// Odoo's IoT box speaks to retail scales (9600 baud, 7 data bits, even parity, 1 stop bit).
//
// The host sends one character, no terminator: `W` asks for the weight (`Z` zero, `T` tare, `C`
// clear tare exist but are not used here). The scale answers one frame, <STX> … <CR>:
//   <STX> digits with an optional decimal point, optionally `N` (net), <CR>    a stable weight in
//   the
//                                                                             scale's unit (kg
//                                                                             here)
//   <STX> ? <status byte> <CR>                                               no weight; status
//   bits:
//       bit 0 motion, 1 over capacity, 2 under zero, 3 outside zero-capture range, 4 centre of
//       zero, 5 net mode, 6 always 1, 7 parity (even parity bit, masked off here)
// Anything else is `invalid` with a reason. Never throws; accepts any bytes.
// Pure functions; thread-agnostic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wedge::drivers::scale {

enum class Toledo8217Kind {
  weight,   // a stable weight
  status,   // "?" + status byte: motion, over capacity, under zero, …
  invalid,  // not an 8217 frame
};

struct Toledo8217Reply {
  Toledo8217Kind kind = Toledo8217Kind::invalid;
  double value = 0.0;          // weight: as sent, in the scale's unit
  bool net = false;            // weight: "N" suffix; status: bit 5
  bool motion = false;         // status bit 0
  bool over_capacity = false;  // status bit 1
  bool under_zero = false;     // status bit 2
  std::uint8_t status_byte = 0;
  std::string reason;  // invalid: why; status: what the bits say ("motion", …)
};

inline constexpr char kToledo8217Stx = '\x02';
inline constexpr std::size_t kToledo8217MaxFrame = 32;

// Parses one frame, STX through CR inclusive.
[[nodiscard]] Toledo8217Reply parse_toledo8217_frame(std::string_view frame);

// Removes and returns the first complete frame (STX … CR) from `buffer`; bytes before the STX are
// dropped; a buffer past kToledo8217MaxFrame without a CR is cleared (a babbling line).
[[nodiscard]] std::optional<std::string> take_toledo8217_frame(std::string& buffer);

}  // namespace wedge::drivers::scale
