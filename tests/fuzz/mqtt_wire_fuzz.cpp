// libFuzzer target: the command channel's MQTT packet decoding (daemon/mqtt/wire.cpp), which reads
// whatever the broker sends, and the command type taken from a PUBLISH topic (Topics). The first
// byte picks MQTT 5 or 3.1.1; the rest is the byte stream from the broker, read packet by packet as
// the channel does. Properties (abort on violation):
// - a fixed header is 2..5 bytes and its Remaining Length at most 268,435,455;
// - decode_publish_head on any prefix of a body it reads whole says need_more before the payload
//   offset and the same head from there on (so an oversized command is named by its first bytes);
// - a decoded PUBLISH head has a topic, a payload offset inside the body and a packet id iff QoS>0.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/mqtt/topics.hpp"
#include "daemon/mqtt/wire.hpp"

namespace {

using namespace wedge::mqtt;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_publish(std::uint8_t flags, std::string_view body, bool mqtt5) {
  static const Topics kTopics("wedge", "site1", "gw1");
  wire::PublishHead whole;
  if (wire::decode_publish_head(flags, body, mqtt5, whole) != wire::Decode::ok) return;
  check(!whole.topic.empty() && whole.payload_offset <= body.size());
  check((whole.qos > 0) == (whole.packet_id != 0));
  (void)kTopics.command_type(whole.topic);
  for (std::size_t cut = 0; cut <= body.size(); cut += 1 + cut / 8) {
    wire::PublishHead head;
    const auto d = wire::decode_publish_head(flags, body.substr(0, cut), mqtt5, head);
    if (cut < whole.payload_offset) {
      check(d == wire::Decode::need_more);
    } else {
      check(d == wire::Decode::ok && head.topic == whole.topic && head.packet_id == whole.packet_id &&
            head.payload_offset == whole.payload_offset);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool mqtt5 = (data[0] & 1) != 0;
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  while (!stream.empty()) {
    wire::FixedHeader header;
    if (wire::decode_fixed_header(stream, header) != wire::Decode::ok) break;
    check(header.size >= 2 && header.size <= 5 && header.remaining_length <= 268'435'455U);
    const auto body = stream.substr(header.size, header.remaining_length);
    switch (header.type()) {
      case wire::PacketType::connack: (void)wire::decode_connack(body, mqtt5); break;
      case wire::PacketType::suback:
        if (const auto ack = wire::decode_suback(body, mqtt5)) check(!ack->codes.empty());
        break;
      case wire::PacketType::publish: check_publish(header.flags(), body, mqtt5); break;
      case wire::PacketType::disconnect: (void)wire::decode_disconnect(body); break;
      default: break;
    }
    if (stream.size() - header.size < header.remaining_length) break;  // the rest is still coming
    stream.remove_prefix(header.size + header.remaining_length);
  }
  return 0;
}
