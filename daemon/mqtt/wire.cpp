#include "daemon/mqtt/wire.hpp"

namespace wedge::mqtt::wire {

namespace {

void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_string(std::string& out, std::string_view s) {
  put_u16(out, static_cast<std::uint16_t>(s.size()));
  out.append(s);
}

void put_varint(std::string& out, std::uint32_t v) {
  do {
    auto byte = static_cast<std::uint8_t>(v % 128);
    v /= 128;
    if (v > 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (v > 0);
}

std::string with_fixed_header(std::uint8_t first_byte, const std::string& body) {
  std::string out;
  out.reserve(body.size() + 5);
  out.push_back(static_cast<char>(first_byte));
  put_varint(out, static_cast<std::uint32_t>(body.size()));
  out += body;
  return out;
}

std::uint8_t byte_at(std::string_view s, std::size_t i) { return static_cast<std::uint8_t>(s[i]); }

// A Variable Byte Integer at `pos`; advances `pos`. need_more if it runs past the end.
Decode read_varint(std::string_view s, std::size_t& pos, std::uint32_t& value) {
  value = 0;
  for (int i = 0; i < 4; ++i) {
    if (pos >= s.size()) return Decode::need_more;
    const std::uint8_t byte = byte_at(s, pos++);
    value |= static_cast<std::uint32_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return Decode::ok;
  }
  return Decode::malformed;
}

Decode read_u16(std::string_view s, std::size_t& pos, std::uint16_t& value) {
  if (pos + 2 > s.size()) return Decode::need_more;
  value = static_cast<std::uint16_t>((byte_at(s, pos) << 8) | byte_at(s, pos + 1));
  pos += 2;
  return Decode::ok;
}

// Skips an MQTT 5 property block (length, then that many bytes).
Decode skip_properties(std::string_view s, std::size_t& pos) {
  std::uint32_t length = 0;
  if (auto d = read_varint(s, pos, length); d != Decode::ok) return d;
  if (pos + length > s.size()) return Decode::need_more;
  pos += length;
  return Decode::ok;
}

}  // namespace

std::string encode_connect(const ConnectFields& f) {
  std::string body;
  put_string(body, "MQTT");
  body.push_back(static_cast<char>(f.mqtt5 ? 5 : 4));
  std::uint8_t flags = 0;
  if (f.username) flags |= 0x80;
  if (f.password) flags |= 0x40;
  if (f.clean_start) flags |= 0x02;
  body.push_back(static_cast<char>(flags));
  put_u16(body, f.keepalive_s);
  if (f.mqtt5) {
    std::string props;
    props.push_back(0x11);  // Session Expiry Interval
    put_u32(props, f.session_expiry_s);
    if (f.receive_maximum > 0) {
      props.push_back(0x21);  // Receive Maximum
      put_u16(props, f.receive_maximum);
    }
    put_varint(body, static_cast<std::uint32_t>(props.size()));
    body += props;
  }
  put_string(body, f.client_id);
  if (f.username) put_string(body, *f.username);
  if (f.password) put_string(body, *f.password);
  return with_fixed_header(0x10, body);
}

std::string encode_subscribe(bool mqtt5, std::uint16_t packet_id, std::string_view filter, int qos) {
  std::string body;
  put_u16(body, packet_id);
  if (mqtt5) body.push_back(0);  // no properties
  put_string(body, filter);
  body.push_back(static_cast<char>(qos & 0x03));
  return with_fixed_header(0x82, body);
}

std::string encode_puback(std::uint16_t packet_id) {
  std::string out{"\x40\x02", 2};
  put_u16(out, packet_id);
  return out;
}

std::string encode_pingreq() { return std::string{"\xc0\x00", 2}; }

Decode decode_fixed_header(std::string_view bytes, FixedHeader& out) {
  if (bytes.empty()) return Decode::need_more;
  std::size_t pos = 1;
  std::uint32_t length = 0;
  if (auto d = read_varint(bytes, pos, length); d != Decode::ok) return d;
  out.first_byte = byte_at(bytes, 0);
  out.remaining_length = length;
  out.size = pos;
  return Decode::ok;
}

std::optional<Connack> decode_connack(std::string_view body, bool mqtt5) {
  if (body.size() < 2) return std::nullopt;
  const std::uint8_t flags = byte_at(body, 0);
  if ((flags & 0xfe) != 0) return std::nullopt;
  Connack c{(flags & 0x01) != 0, byte_at(body, 1)};
  if (mqtt5 && body.size() > 2) {
    std::size_t pos = 2;
    if (skip_properties(body, pos) != Decode::ok) return std::nullopt;
  }
  return c;
}

std::optional<Suback> decode_suback(std::string_view body, bool mqtt5) {
  std::size_t pos = 0;
  Suback s;
  if (read_u16(body, pos, s.packet_id) != Decode::ok) return std::nullopt;
  if (mqtt5 && skip_properties(body, pos) != Decode::ok) return std::nullopt;
  if (pos >= body.size()) return std::nullopt;  // at least one reason code
  for (; pos < body.size(); ++pos) s.codes.push_back(byte_at(body, pos));
  return s;
}

Decode decode_publish_head(std::uint8_t flags, std::string_view body, bool mqtt5, PublishHead& out) {
  out.qos = (flags >> 1) & 0x03;
  out.dup = (flags & 0x08) != 0;
  out.retain = (flags & 0x01) != 0;
  if (out.qos == 3) return Decode::malformed;
  std::size_t pos = 0;
  std::uint16_t topic_length = 0;
  if (auto d = read_u16(body, pos, topic_length); d != Decode::ok) return d;
  if (pos + topic_length > body.size()) return Decode::need_more;
  out.topic.assign(body.substr(pos, topic_length));
  pos += topic_length;
  out.packet_id = 0;
  if (out.qos > 0) {
    if (auto d = read_u16(body, pos, out.packet_id); d != Decode::ok) return d;
    if (out.packet_id == 0) return Decode::malformed;
  }
  if (mqtt5) {
    if (auto d = skip_properties(body, pos); d != Decode::ok) return d;
  }
  // An empty topic is legal on MQTT 5 only with a Topic Alias, which we never allow (no Topic
  // Alias Maximum in our CONNECT), so it is malformed here on both versions.
  if (out.topic.empty()) return Decode::malformed;
  out.payload_offset = pos;
  return Decode::ok;
}

std::optional<std::uint8_t> decode_disconnect(std::string_view body) {
  if (body.empty()) return std::uint8_t{0};
  return byte_at(body, 0);
}

}  // namespace wedge::mqtt::wire
