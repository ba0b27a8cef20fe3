// Framer: cuts a byte stream from a serial or TCP scanner into scans.
//
// Contract: feed() takes bytes exactly as they arrived (any split, any merge) and returns the scans
// they complete, in order; the result does not depend on how the stream was split. A scan ends at the
// configured terminator (which is not part of the data). Empty frames (a lone terminator, the LF of a
// CRLF in `any` mode) are no scans and are skipped. A scan longer than max_length is cut: its frame
// has too_long set, `length` the full count and `data` the first max_length bytes, and the stream
// resynchronises at the next terminator, so the scans around it are neither lost nor merged.
// flush() ends the partial scan when the driver's inter-character timer fires.
// Pure and single-threaded: one Framer per connection, used from the loop thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::drivers::scanner {

struct Terminator {
  enum class Kind { cr, lf, crlf, any, none, byte };
  Kind kind = Kind::any;
  unsigned char byte = 0;  // for Kind::byte

  bool operator==(const Terminator&) const = default;
};

// Parses "cr", "lf", "crlf", "any" (CR, LF or CRLF), "none" (inter-character timeout only) or
// "byte:0xNN" / "byte:NN" (decimal). Returns nullopt for anything else.
std::optional<Terminator> parse_terminator(std::string_view text);
std::string to_string(const Terminator& terminator);

// One framed scan, or a reason why it cannot be one.
struct Frame {
  std::string data;
  std::size_t length = 0;     // bytes received for this scan (may exceed data.size() when too_long)
  bool too_long = false;
  bool timed_out = false;     // ended by flush(), not by a terminator
  std::string reject_reason;  // non-empty: deliver as a rejected scan with this reason
};

class Framer {
 public:
  Framer(Terminator terminator, std::size_t max_length);

  // Appends `bytes`; completed frames are appended to `out` in stream order.
  void feed(std::string_view bytes, std::vector<Frame>& out);
  std::vector<Frame> feed(std::string_view bytes);

  // Ends the partial scan (inter-character timeout or end of stream). nullopt when nothing is
  // pending. The frame has timed_out set; a too-long partial keeps its too_long reason.
  std::optional<Frame> flush();

  bool has_partial() const noexcept { return length_ > 0 || pending_cr_; }
  void reset();

 private:
  void append(char c);
  void end_frame(std::vector<Frame>& out);

  Terminator terminator_;
  std::size_t max_length_;
  std::string data_;
  std::size_t length_ = 0;
  bool pending_cr_ = false;  // crlf: a CR waiting to see whether LF follows
  bool skip_lf_ = false;     // any: the previous byte was a CR, so an LF now is its pair
};

std::string too_long_reason(std::size_t length, std::size_t max_length);

}  // namespace wedge::drivers::scanner
