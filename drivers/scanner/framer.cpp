#include "drivers/scanner/framer.hpp"

#include <charconv>

#include <fmt/format.h>

namespace wedge::drivers::scanner {

std::optional<Terminator> parse_terminator(std::string_view text) {
  using Kind = Terminator::Kind;
  if (text == "cr") return Terminator{Kind::cr, '\r'};
  if (text == "lf") return Terminator{Kind::lf, '\n'};
  if (text == "crlf") return Terminator{Kind::crlf, '\n'};
  if (text == "any") return Terminator{Kind::any, '\r'};
  if (text == "none") return Terminator{Kind::none, 0};
  constexpr std::string_view kPrefix = "byte:";
  if (!text.starts_with(kPrefix)) return std::nullopt;
  auto digits = text.substr(kPrefix.size());
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
    base = 16;
  }
  if (digits.empty()) return std::nullopt;
  unsigned value = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, value, base);
  if (ec != std::errc() || ptr != end || value > 0xFF) return std::nullopt;
  return Terminator{Kind::byte, static_cast<unsigned char>(value)};
}

std::string to_string(const Terminator& terminator) {
  using Kind = Terminator::Kind;
  switch (terminator.kind) {
    case Kind::cr: return "cr";
    case Kind::lf: return "lf";
    case Kind::crlf: return "crlf";
    case Kind::any: return "any";
    case Kind::none: return "none";
    case Kind::byte: return fmt::format("byte:0x{:02X}", terminator.byte);
  }
  return "?";
}

std::string too_long_reason(std::size_t length, std::size_t max_length) {
  return fmt::format("too long ({} > max {})", length, max_length);
}

Framer::Framer(Terminator terminator, std::size_t max_length)
    : terminator_(terminator), max_length_(max_length == 0 ? 1 : max_length) {}

void Framer::reset() {
  data_.clear();
  length_ = 0;
  pending_cr_ = false;
  skip_lf_ = false;
}

void Framer::append(char c) {
  // Past the limit only the count grows: the buffer stays bounded whatever the device sends.
  if (length_ < max_length_) data_.push_back(c);
  ++length_;
}

void Framer::end_frame(std::vector<Frame>& out) {
  if (length_ > 0) {
    Frame frame;
    frame.length = length_;
    frame.too_long = length_ > max_length_;
    if (frame.too_long) frame.reject_reason = too_long_reason(length_, max_length_);
    frame.data = std::move(data_);
    out.push_back(std::move(frame));
  }
  data_.clear();
  length_ = 0;
}

void Framer::feed(std::string_view bytes, std::vector<Frame>& out) {
  using Kind = Terminator::Kind;
  for (const char c : bytes) {
    switch (terminator_.kind) {
      case Kind::cr:
        if (c == '\r') end_frame(out); else append(c);
        break;
      case Kind::lf:
        if (c == '\n') end_frame(out); else append(c);
        break;
      case Kind::byte:
        if (static_cast<unsigned char>(c) == terminator_.byte) end_frame(out); else append(c);
        break;
      case Kind::none:
        append(c);
        break;
      case Kind::any:
        if (c == '\n' && skip_lf_) {
          skip_lf_ = false;
          break;
        }
        skip_lf_ = c == '\r';
        if (c == '\r' || c == '\n') end_frame(out); else append(c);
        break;
      case Kind::crlf:
        if (pending_cr_) {
          pending_cr_ = false;
          if (c == '\n') {
            end_frame(out);
            break;
          }
          append('\r');  // a CR not followed by LF is data (and later rejected as a control byte)
        }
        if (c == '\r') pending_cr_ = true; else append(c);
        break;
    }
  }
}

std::vector<Frame> Framer::feed(std::string_view bytes) {
  std::vector<Frame> out;
  feed(bytes, out);
  return out;
}

std::optional<Frame> Framer::flush() {
  if (pending_cr_) {
    pending_cr_ = false;
    append('\r');
  }
  skip_lf_ = false;
  if (length_ == 0) return std::nullopt;
  std::vector<Frame> out;
  end_frame(out);
  out.front().timed_out = true;
  return std::move(out.front());
}

}  // namespace wedge::drivers::scanner
