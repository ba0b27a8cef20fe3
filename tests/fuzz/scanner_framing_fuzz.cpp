// libFuzzer target: scanner framing, AIM parsing, validation and the evdev key decoder.
//
// Input layout: byte 0 picks the terminator, byte 1 the max length, byte 2 a chunk size; the rest is
// the stream. Properties checked (abort on violation):
// - feeding in chunks gives exactly the frames of feeding all at once (split/merge independence);
// - no frame holds a terminator byte, data never exceeds max_length, too_long iff length > max;
// - parse_aim's payload is a suffix of the frame, and validate_scan never throws or crashes;
// - the KeyDecoder survives any sequence of input_event records.
#include <linux/input.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "drivers/scanner/aim.hpp"
#include "drivers/scanner/framer.hpp"
#include "drivers/scanner/key_decoder.hpp"
#include "drivers/scanner/validation.hpp"

namespace {

using wedge::drivers::scanner::Frame;
using wedge::drivers::scanner::Framer;
using wedge::drivers::scanner::Terminator;

void check(bool condition) {
  if (!condition) std::abort();
}

bool same(const std::vector<Frame>& a, const std::vector<Frame>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].data != b[i].data || a[i].length != b[i].length ||
        a[i].reject_reason != b[i].reject_reason)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  constexpr Terminator kTerminators[] = {
      {Terminator::Kind::cr, '\r'},  {Terminator::Kind::lf, '\n'}, {Terminator::Kind::crlf, '\n'},
      {Terminator::Kind::any, '\r'}, {Terminator::Kind::none, 0},  {Terminator::Kind::byte, 0x03},
  };
  const auto terminator = kTerminators[data[0] % 6];
  const std::size_t max_length = 1 + data[1] % 64;
  const std::size_t chunk = 1 + data[2] % 16;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 3, size - 3);

  Framer whole(terminator, max_length);
  Framer pieces(terminator, max_length);
  std::vector<Frame> a, b;
  whole.feed(stream, a);
  for (std::size_t i = 0; i < stream.size(); i += chunk) pieces.feed(stream.substr(i, chunk), b);
  if (auto tail = whole.flush()) a.push_back(*tail);
  if (auto tail = pieces.flush()) b.push_back(*tail);
  check(same(a, b));

  for (const auto& frame : a) {
    check(frame.length > 0);
    check(frame.data.size() <= max_length);
    check(frame.too_long == (frame.length > max_length));
    if (!frame.timed_out) {
      if (terminator.kind == Terminator::Kind::cr) check(frame.data.find('\r') == std::string::npos);
      if (terminator.kind == Terminator::Kind::lf) check(frame.data.find('\n') == std::string::npos);
      if (terminator.kind == Terminator::Kind::any)
        check(frame.data.find_first_of("\r\n") == std::string::npos);
      if (terminator.kind == Terminator::Kind::byte)
        check(frame.data.find('\x03') == std::string::npos);
    }
    const auto aim = wedge::drivers::scanner::parse_aim(frame.data);
    check(frame.data.size() >= aim.payload.size());
    check(std::string_view(frame.data).substr(frame.data.size() - aim.payload.size()) ==
          aim.payload);
    check(aim.aim_id.empty() || aim.aim_id.size() == 3);
    (void)wedge::drivers::scanner::validate_scan(aim.payload);
  }

  wedge::drivers::scanner::KeyDecoderOptions options;
  options.max_length = max_length;
  wedge::drivers::scanner::KeyDecoder decoder(options);
  for (std::size_t i = 0; i + 4 <= stream.size(); i += 4) {
    input_event event{};
    event.type = static_cast<std::uint16_t>(stream[i] % 4);
    event.code = static_cast<std::uint8_t>(stream[i + 1]);
    event.value = static_cast<std::int8_t>(stream[i + 2]) % 3;
    if (auto frame = decoder.feed(event)) check(frame->data.size() <= max_length);
  }
  (void)decoder.flush();
  return 0;
}
