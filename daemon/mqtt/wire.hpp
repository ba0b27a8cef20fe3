// The few MQTT control packets the command channel speaks (MQTT 3.1.1 and 5), as bytes.
//
// Why our own: the command channel must send each PUBACK only after the command is in SQLite, and
// no MQTT client packaged for Debian 12 lets the application send it (Paho C and libmosquitto both
// acknowledge an inbound QoS 1 PUBLISH before the application sees it; see command_channel.hpp).
// The channel needs only: CONNECT, SUBSCRIBE, PUBACK, PINGREQ out; CONNACK, SUBACK, PUBLISH,
// PINGRESP, DISCONNECT in. (It ends a connection by closing it: it has no Will to suppress, and the
// broker keeps its session either way.)
//
// Contract
// - encode_*() return the whole packet, fixed header included. Strings longer than 65,535 bytes
//   are the caller's error (the options are validated before).
// - decode_fixed_header() reads the first byte and the Remaining Length of a packet at the start of
//   `bytes`: need_more when they are not all there yet, malformed for a length over 4 bytes.
// - decode_*() take the packet's variable header and payload (`body`, Remaining Length bytes) and
//   return nullopt for anything malformed: the caller drops the connection. MQTT 5 properties are
//   skipped, never interpreted (we ask for no feature that a property would carry back).
// - decode_publish_head() also works on the first bytes of a PUBLISH only (need_more until the
//   topic, the packet id and, on MQTT 5, the whole property block are there: the payload starts
//   after it), so that an oversized command can be named and skipped without reading it whole.
//   On a complete body, need_more means malformed.
//
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::mqtt::wire {

enum class PacketType : std::uint8_t {
  connect = 1, connack = 2, publish = 3, puback = 4, pubrec = 5, pubrel = 6, pubcomp = 7,
  subscribe = 8, suback = 9, unsubscribe = 10, unsuback = 11, pingreq = 12, pingresp = 13,
  disconnect = 14, auth = 15,
};

struct ConnectFields {
  bool mqtt5 = true;
  std::string client_id;
  std::uint16_t keepalive_s = 30;
  bool clean_start = false;
  std::uint32_t session_expiry_s = 0;  // MQTT 5 only
  std::uint16_t receive_maximum = 0;   // MQTT 5 only; 0 = not sent (broker default 65,535)
  std::optional<std::string> username;
  std::optional<std::string> password;
};

std::string encode_connect(const ConnectFields& fields);
// One topic filter, maximum QoS `qos` (MQTT 5 subscription options otherwise default).
std::string encode_subscribe(bool mqtt5, std::uint16_t packet_id, std::string_view filter, int qos);
// Success, in the short form both versions accept (MQTT 5: reason code 0 omitted).
std::string encode_puback(std::uint16_t packet_id);
std::string encode_pingreq();

enum class Decode { ok, need_more, malformed };

struct FixedHeader {
  std::uint8_t first_byte = 0;
  std::uint32_t remaining_length = 0;
  std::size_t size = 0;  // bytes of the fixed header itself (2..5)
  PacketType type() const { return static_cast<PacketType>(first_byte >> 4); }
  std::uint8_t flags() const { return first_byte & 0x0f; }
};

Decode decode_fixed_header(std::string_view bytes, FixedHeader& out);

struct Connack {
  bool session_present = false;
  std::uint8_t code = 0;  // 3.1.1 return code or MQTT 5 reason code; 0 = accepted
};
std::optional<Connack> decode_connack(std::string_view body, bool mqtt5);

struct Suback {
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> codes;  // granted QoS (0..2) or failure (0x80 and up)
};
std::optional<Suback> decode_suback(std::string_view body, bool mqtt5);

struct PublishHead {
  int qos = 0;
  bool dup = false;
  bool retain = false;
  std::string topic;
  std::uint16_t packet_id = 0;     // 0 for QoS 0
  std::size_t payload_offset = 0;  // where the payload starts in the body
};
// `flags` from the fixed header; `body` may be a prefix of the body (see above).
Decode decode_publish_head(std::uint8_t flags, std::string_view body, bool mqtt5, PublishHead& out);

// An MQTT 5 DISCONNECT from the server: its reason code (0 when the body is empty, as on 3.1.1).
std::optional<std::uint8_t> decode_disconnect(std::string_view body);

}  // namespace wedge::mqtt::wire
