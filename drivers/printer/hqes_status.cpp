#include "drivers/printer/hqes_status.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "drivers/printer/hs_status.hpp"

namespace wedge::drivers {
namespace {

constexpr char kStx = '\x02';
constexpr char kEtx = '\x03';

constexpr std::array<std::pair<std::uint32_t, std::string_view>, 10> kErrorBits{{
    {0x1, "paper out"},
    {0x2, "ribbon out"},
    {0x4, "head open"},
    {0x8, "cutter fault"},
    {0x10, "head over temperature"},
    {0x20, "motor over temperature"},
    {0x40, "bad printhead element"},
    {0x80, "printhead detection error"},
    {0x100, "invalid firmware configuration"},
    {0x200, "printhead thermistor open"},
}};

constexpr std::array<std::pair<std::uint32_t, std::string_view>, 4> kWarningBits{{
    {0x1, "media needs calibration"},
    {0x2, "clean printhead"},
    {0x4, "replace printhead"},
    {0x8, "paper near end"},
}};

constexpr std::uint32_t known_mask(const auto& bits) {
  std::uint32_t mask = 0;
  for (const auto& [bit, name] : bits) mask |= bit;
  return mask;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_lines(std::string_view body) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= body.size()) {
    const auto end = body.find_first_of("\r\n", start);
    const auto line = trim(body.substr(start, end == std::string_view::npos ? end : end - start));
    if (!line.empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    const auto start = pos;
    while (pos < text.size() && !is_space(text[pos])) ++pos;
    if (pos > start) words.push_back(text.substr(start, pos - start));
  }
  return words;
}

bool parse_hex32(std::string_view text, std::uint32_t& out) {
  if (text.empty() || text.size() > 8) return false;
  std::uint32_t value = 0;
  for (char c : text) {
    std::uint32_t digit = 0;
    if (c >= '0' && c <= '9') digit = static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') digit = static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') digit = static_cast<std::uint32_t>(c - 'A' + 10);
    else return false;
    value = value * 16 + digit;
  }
  out = value;
  return true;
}

// "ERRORS: 1 00000000 00000005" → group; the label has been checked by the caller.
std::optional<std::string> parse_group(std::string_view label, std::string_view rest,
                                       HqesGroup& group) {
  const auto words = split_words(rest);
  if (words.size() != 3)
    return fmt::format("{} has {} fields, expected 3", label, words.size());
  if (words[0] != "0" && words[0] != "1")
    return fmt::format("{} flag is not 0 or 1", label);
  group.flag = words[0] == "1";
  if (!parse_hex32(words[1], group.group2) || !parse_hex32(words[2], group.group1))
    return fmt::format("{} has a malformed hex field", label);
  return std::nullopt;
}

std::optional<std::string_view> line_after(const std::vector<std::string_view>& lines,
                                           std::string_view label) {
  for (auto line : lines)
    if (line.substr(0, label.size()) == label) return line.substr(label.size());
  return std::nullopt;
}

bool looks_like_hqes(std::string_view body) {
  return body.find("PRINTER STATUS") != std::string_view::npos ||
         body.find("ERRORS:") != std::string_view::npos ||
         body.find("WARNINGS:") != std::string_view::npos;
}

// A ~HS line is digits and commas only.
bool looks_like_hs_line(std::string_view body) {
  if (body.empty()) return false;
  for (char c : body)
    if ((c < '0' || c > '9') && c != ',') return false;
  return true;
}

}  // namespace

core::Result<HqesStatus> parse_hqes_reply(std::string_view reply) {
  const auto malformed = [](std::string reason) {
    return core::fail(core::Errc::invalid_argument, std::move(reason));
  };
  if (reply.empty() || reply.front() != kStx) return malformed("expected STX at byte 0");
  const auto etx = reply.find(kEtx, 1);
  if (etx == std::string_view::npos) return malformed("frame without ETX");
  const auto body = reply.substr(1, etx - 1);
  if (body.find(kStx) != std::string_view::npos) return malformed("STX inside a frame");
  auto tail = reply.substr(etx + 1);
  if (!tail.empty() && tail.front() == '\r') tail.remove_prefix(1);
  if (!tail.empty() && tail.front() == '\n') tail.remove_prefix(1);
  if (!tail.empty()) return malformed("bytes after ETX");

  const auto lines = split_lines(body);
  if (lines.empty() || lines.front() != "PRINTER STATUS")
    return malformed("no PRINTER STATUS line");
  HqesStatus status;
  const auto errors = line_after(lines, "ERRORS:");
  if (!errors) return malformed("no ERRORS: line");
  if (auto bad = parse_group("ERRORS:", *errors, status.errors)) return malformed(*bad);
  const auto warnings = line_after(lines, "WARNINGS:");
  if (!warnings) return malformed("no WARNINGS: line");
  if (auto bad = parse_group("WARNINGS:", *warnings, status.warnings)) return malformed(*bad);
  return status;
}

std::string hqes_error_reason(const HqesStatus& status) {
  std::string reason;
  auto add = [&reason](std::string_view text) {
    if (!reason.empty()) reason += ", ";
    reason += text;
  };
  const auto& e = status.errors;
  for (const auto& [bit, name] : kErrorBits)
    if ((e.group1 & bit) != 0) add(name);
  constexpr auto kKnown = known_mask(kErrorBits);
  if ((e.group1 & ~kKnown) != 0 || e.group2 != 0)
    add(fmt::format("printer error 0x{:08x} {:08x}", e.group2, e.group1 & ~kKnown));
  else if (e.flag && e.group1 == 0)
    add("printer reports an error without a code");
  return reason;
}

std::vector<std::string> hqes_warnings(const HqesStatus& status) {
  std::vector<std::string> out;
  const auto& w = status.warnings;
  for (const auto& [bit, name] : kWarningBits)
    if ((w.group1 & bit) != 0) out.emplace_back(name);
  constexpr auto kKnown = known_mask(kWarningBits);
  if ((w.group1 & ~kKnown) != 0 || w.group2 != 0)
    out.push_back(fmt::format("printer warning 0x{:08x} {:08x}", w.group2, w.group1 & ~kKnown));
  return out;
}

std::optional<StatusReply> take_status_reply(std::string& buffer, bool expecting_hqes) {
  const auto first = buffer.find(kStx);
  if (first != std::string::npos) {
    const auto etx = buffer.find(kEtx, first + 1);
    if (etx != std::string::npos) {
      const auto body = std::string_view(buffer).substr(first + 1, etx - first - 1);
      const bool nested = body.find(kStx) != std::string_view::npos;
      if (!nested && (looks_like_hqes(body) || (expecting_hqes && !looks_like_hs_line(body)))) {
        auto end = etx + 1;
        if (end < buffer.size() && buffer[end] == '\r') ++end;
        if (end < buffer.size() && buffer[end] == '\n') ++end;
        StatusReply reply{StatusReplyKind::hqes, buffer.substr(first, end - first)};
        buffer.erase(0, end);
        return reply;
      }
    }
  }
  if (auto hs = take_hs_reply(buffer)) return StatusReply{StatusReplyKind::hs, std::move(*hs)};
  return std::nullopt;
}

}  // namespace wedge::drivers
