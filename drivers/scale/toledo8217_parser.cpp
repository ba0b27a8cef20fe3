#include "drivers/scale/toledo8217_parser.hpp"

#include <fmt/format.h>

#include <charconv>

namespace wedge::drivers::scale {

namespace {

constexpr char kCr = '\r';

Toledo8217Reply invalid(std::string reason) {
  Toledo8217Reply reply;
  reply.reason = std::move(reason);
  return reply;
}

Toledo8217Reply status_reply(unsigned char byte) {
  Toledo8217Reply reply;
  reply.kind = Toledo8217Kind::status;
  reply.status_byte = static_cast<std::uint8_t>(byte & 0x7F);  // bit 7 is the parity bit
  reply.motion = byte & 0x01;
  reply.over_capacity = byte & 0x02;
  reply.under_zero = byte & 0x04;
  reply.net = byte & 0x20;
  std::string what;
  const auto add = [&](bool set, const char* name) {
    if (set) what += (what.empty() ? "" : ", ") + std::string(name);
  };
  add(reply.motion, "motion");
  add(reply.over_capacity, "over capacity");
  add(reply.under_zero, "under zero");
  add(byte & 0x08, "outside zero range");
  reply.reason = what.empty() ? fmt::format("status 0x{:02X}", reply.status_byte) : what;
  return reply;
}

}  // namespace

Toledo8217Reply parse_toledo8217_frame(std::string_view frame) {
  if (frame.size() < 3 || frame.front() != kToledo8217Stx || frame.back() != kCr)
    return invalid("not an <STX>…<CR> frame");
  auto body = frame.substr(1, frame.size() - 2);
  if (body.front() == '?') {
    if (body.size() != 2) return invalid("status frame without exactly one status byte");
    return status_reply(static_cast<unsigned char>(body[1]));
  }
  Toledo8217Reply reply;
  while (!body.empty() && body.front() == ' ') body.remove_prefix(1);  // some scales pad
  if (!body.empty() && body.back() == 'N') {
    reply.net = true;
    body.remove_suffix(1);
  }
  if (body.empty() || body.find_first_not_of("0123456789.") != std::string_view::npos ||
      body.find('.') != body.rfind('.'))
    return invalid(fmt::format("bad weight '{}'", body));
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), reply.value);
  if (ec != std::errc{} || end != body.data() + body.size())
    return invalid(fmt::format("bad weight '{}'", body));
  reply.kind = Toledo8217Kind::weight;
  return reply;
}

std::optional<std::string> take_toledo8217_frame(std::string& buffer) {
  const auto stx = buffer.find(kToledo8217Stx);
  if (stx == std::string::npos) {
    buffer.clear();
    return std::nullopt;
  }
  buffer.erase(0, stx);
  const auto cr = buffer.find(kCr);
  if (cr == std::string::npos) {
    if (buffer.size() > kToledo8217MaxFrame) buffer.clear();
    return std::nullopt;
  }
  auto frame = buffer.substr(0, cr + 1);
  buffer.erase(0, cr + 1);
  return frame;
}

}  // namespace wedge::drivers::scale
