// libFuzzer: the ~HS parser and stream framing never crash, never grow the buffer without bound,
// and every reply the framer hands out is one the parser judges (ok or error) consistently.
#include <cstddef>
#include <cstdint>
#include <string>

#include "drivers/printer/hs_status.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto whole = wedge::drivers::parse_hs_reply(input);
  if (whole) (void)wedge::drivers::hs_fault_reason(*whole);
  else if (whole.reason().empty()) __builtin_trap();

  // Feed the same bytes in chunks whose sizes come from the data itself.
  std::string buffer;
  std::size_t pos = 0;
  while (pos < size) {
    const std::size_t chunk = 1 + (data[pos] % 7);
    buffer.append(input, pos, chunk);
    pos += chunk;
    while (auto reply = wedge::drivers::take_hs_reply(buffer)) {
      auto parsed = wedge::drivers::parse_hs_reply(*reply);
      if (!parsed && parsed.reason().empty()) __builtin_trap();
    }
    if (buffer.size() > wedge::drivers::kHsMaxBuffer + 8) __builtin_trap();
  }
  return 0;
}
