// libFuzzer: the ~HQES parser and the framing that tells ~HQES from ~HS never crash, never grow the
// buffer without bound, and every reply the framer hands out is judged (ok or error) consistently.
#include <cstddef>
#include <cstdint>
#include <string>

#include "drivers/printer/hqes_status.hpp"
#include "drivers/printer/hs_status.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto whole = wedge::drivers::parse_hqes_reply(input);
  if (whole) {
    (void)wedge::drivers::hqes_error_reason(*whole);
    (void)wedge::drivers::hqes_warnings(*whole);
  } else if (whole.reason().empty()) {
    __builtin_trap();
  }

  // Feed the same bytes in chunks whose sizes come from the data itself; whether a ~HQES reply is
  // expected flips with the data too.
  std::string buffer;
  std::size_t pos = 0;
  while (pos < size) {
    const std::size_t chunk = 1 + (data[pos] % 7);
    const bool expecting_hqes = (data[pos] & 0x80) != 0;
    buffer.append(input, pos, chunk);
    pos += chunk;
    while (auto reply = wedge::drivers::take_status_reply(buffer, expecting_hqes)) {
      if (reply->kind == wedge::drivers::StatusReplyKind::hqes) {
        auto parsed = wedge::drivers::parse_hqes_reply(reply->text);
        if (!parsed && parsed.reason().empty()) __builtin_trap();
      } else {
        auto parsed = wedge::drivers::parse_hs_reply(reply->text);
        if (!parsed && parsed.reason().empty()) __builtin_trap();
      }
    }
    if (buffer.size() > wedge::drivers::kHsMaxBuffer + 8) __builtin_trap();
  }
  return 0;
}
