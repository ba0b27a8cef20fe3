#include "drivers/printer/hs_status.hpp"

#include <charconv>
#include <vector>

namespace wedge::drivers {
namespace {

constexpr char kStx = '\x02';
constexpr char kEtx = '\x03';

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

bool parse_number(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.size() > 12) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Flags are single digits 0/1; anything else means we are not reading a ~HS reply.
bool parse_flag(std::string_view text, bool& out) {
  if (text == "0") { out = false; return true; }
  if (text == "1") { out = true; return true; }
  return false;
}

}  // namespace

core::Result<HsStatus> parse_hs_reply(std::string_view reply) {
  const auto malformed = [](std::string reason) {
    return core::fail(core::Errc::invalid_argument, std::move(reason));
  };
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < reply.size()) {
    if (reply[pos] != kStx) return malformed("expected STX at byte " + std::to_string(pos));
    const auto etx = reply.find(kEtx, pos + 1);
    if (etx == std::string_view::npos) return malformed("frame without ETX");
    const auto body = reply.substr(pos + 1, etx - pos - 1);
    if (body.find(kStx) != std::string_view::npos) return malformed("STX inside a frame");
    lines.push_back(body);
    pos = etx + 1;
    if (pos < reply.size() && reply[pos] == '\r') ++pos;
    if (pos < reply.size() && reply[pos] == '\n') ++pos;
  }
  if (lines.size() != 3)
    return malformed("expected 3 lines, got " + std::to_string(lines.size()));

  const auto l1 = split_commas(lines[0]);
  const auto l2 = split_commas(lines[1]);
  const auto l3 = split_commas(lines[2]);
  if (l1.size() != 12) return malformed("line 1 has " + std::to_string(l1.size()) + " fields, expected 12");
  if (l2.size() != 11) return malformed("line 2 has " + std::to_string(l2.size()) + " fields, expected 11");
  if (l3.size() != 2) return malformed("line 3 has " + std::to_string(l3.size()) + " fields, expected 2");

  HsStatus s;
  std::int64_t unused = 0;
  const bool ok1 = parse_number(l1[0], unused) && parse_flag(l1[1], s.paper_out) &&
                   parse_flag(l1[2], s.paused) && parse_number(l1[3], s.label_length_dots) &&
                   parse_number(l1[4], s.formats_in_buffer) && parse_flag(l1[5], s.buffer_full) &&
                   parse_flag(l1[7], s.partial_format) && parse_flag(l1[9], s.corrupt_ram) &&
                   parse_flag(l1[10], s.under_temperature) &&
                   parse_flag(l1[11], s.over_temperature);
  if (!ok1) return malformed("line 1 has a malformed field");
  const bool ok2 = parse_number(l2[0], unused) && parse_flag(l2[2], s.head_open) &&
                   parse_flag(l2[3], s.ribbon_out) && parse_flag(l2[4], s.thermal_transfer) &&
                   parse_number(l2[5], s.print_mode) && parse_flag(l2[7], s.label_waiting) &&
                   parse_number(l2[8], s.labels_remaining);
  if (!ok2) return malformed("line 2 has a malformed field");
  return s;
}

std::optional<std::string> take_hs_reply(std::string& buffer) {
  const auto first = buffer.find(kStx);
  if (first == std::string::npos) {
    buffer.clear();
    return std::nullopt;
  }
  if (first > 0) buffer.erase(0, first);
  std::size_t pos = 0;
  for (int frame = 0; frame < 3; ++frame) {
    if (pos >= buffer.size() || buffer[pos] != kStx) {
      if (pos >= buffer.size()) break;
      // A frame did not start where expected: resynchronise on the next STX.
      const auto next = buffer.find(kStx, 1);
      if (next == std::string::npos) buffer.clear(); else buffer.erase(0, next);
      return take_hs_reply(buffer);
    }
    const auto etx = buffer.find(kEtx, pos + 1);
    if (etx == std::string::npos) {
      pos = buffer.size();
      break;
    }
    pos = etx + 1;
    // Wait for the line terminator of the last frame only if it may still come; a reply is
    // complete at its third ETX, the CRLF is consumed when present.
    if (pos < buffer.size() && buffer[pos] == '\r') ++pos;
    if (pos < buffer.size() && buffer[pos] == '\n') ++pos;
    if (frame == 2) {
      std::string reply = buffer.substr(0, pos);
      buffer.erase(0, pos);
      return reply;
    }
  }
  if (buffer.size() > kHsMaxBuffer) {
    const auto last = buffer.rfind(kStx);
    if (last == 0 || last == std::string::npos) buffer.clear(); else buffer.erase(0, last);
  }
  return std::nullopt;
}

std::string hs_fault_reason(const HsStatus& s) {
  std::string reason;
  auto add = [&reason](bool flag, std::string_view text) {
    if (!flag) return;
    if (!reason.empty()) reason += ", ";
    reason += text;
  };
  add(s.paper_out, "paper out");
  add(s.head_open, "head open");
  add(s.ribbon_out, "ribbon out");
  add(s.paused, "paused");
  add(s.buffer_full, "buffer full");
  add(s.corrupt_ram, "corrupt RAM");
  add(s.under_temperature, "head under temperature");
  add(s.over_temperature, "head over temperature");
  return reason;
}

}  // namespace wedge::drivers
