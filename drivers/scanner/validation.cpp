#include "drivers/scanner/validation.hpp"

#include <cstdint>

namespace wedge::drivers::scanner {

namespace {

// Decodes one UTF-8 sequence at data[i]; returns its length, or 0 when malformed.
std::size_t decode_utf8(std::string_view data, std::size_t i, std::uint32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(data[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, min = 0x80, code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min = 0x800, code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > data.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char next = byte(i + k);
    if ((next & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (next & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

}  // namespace

bool is_valid_utf8(std::string_view data) {
  std::uint32_t code_point = 0;
  for (std::size_t i = 0; i < data.size();) {
    const auto length = decode_utf8(data, i, code_point);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::optional<std::string> validate_scan(std::string_view data) {
  if (data.empty()) return "empty scan";
  if (data.find('\0') != std::string_view::npos) return "NUL byte";
  // Control bytes before UTF-8: garbage on a serial line usually holds both, and "line noise" is
  // the more useful diagnosis; a clean Latin-1 "café" is reported as the encoding problem it is.
  for (const char c : data) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && byte != 0x1D) || byte == 0x7F) return "line noise";
  }
  if (!is_valid_utf8(data)) return "invalid UTF-8";
  std::uint32_t code_point = 0;
  for (std::size_t i = 0; i < data.size();) {
    i += decode_utf8(data, i, code_point);
    if (code_point >= 0x80 && code_point <= 0x9F) return "line noise";  // C1 controls
  }
  return std::nullopt;
}

}  // namespace wedge::drivers::scanner
