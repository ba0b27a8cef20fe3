// The MQTT codec (daemon/mqtt/wire.hpp), byte for byte against the OASIS MQTT 3.1.1 and MQTT 5
// specifications: every encoded packet, the fixed header, and the CONNACK/SUBACK/PUBLISH/DISCONNECT decoders.
#include "daemon/mqtt/wire.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::mqtt::wire {

// So that a failed EXPECT_EQ on a Decode names the value.
inline void PrintTo(Decode d, std::ostream* os) {
  switch (d) {
    case Decode::ok: *os << "ok"; return;
    case Decode::need_more: *os << "need_more"; return;
    case Decode::malformed: *os << "malformed"; return;
  }
  *os << "Decode(" << static_cast<int>(d) << ")";
}

namespace {

// Bytes from a list of byte values and ASCII characters (embedded zero bytes included).
std::string B(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// "10 1f 00 04 ..." so that a mismatch shows which byte differs.
// A packet body that must not decode, and what is wrong with it.
struct MalformedBody {
  const char* what;
  bool mqtt5;
  std::string body;
};

// Expects `decode(body, mqtt5)` to give nullopt for every case.
template <class Decode>
void expect_each_malformed(const std::vector<MalformedBody>& cases, Decode decode) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_FALSE(decode(c.body, c.mqtt5).has_value());
  }
}

std::string hex(std::string_view s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    if (!out.empty()) out.push_back(' ');
    out += buf;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoders (MQTT 5 §3.1, §3.8, §3.4, §3.12, §3.14; MQTT 3.1.1 §3.1, §3.8, §3.4, §3.12, §3.14)
// ---------------------------------------------------------------------------------------------

TEST(WireEncodeConnect, Mqtt5WithSessionExpiryReceiveMaximumUsernameAndPassword) {
  ConnectFields f;
  f.mqtt5 = true;
  f.client_id = "gw1";
  f.keepalive_s = 30;
  f.clean_start = false;
  f.session_expiry_s = 3600;
  f.receive_maximum = 10;
  f.username = "u";
  f.password = "pw";
  const std::string expected = B({
      0x10, 0x1f,                           // CONNECT, Remaining Length 31
      0x00, 0x04, 'M', 'Q', 'T', 'T',       // Protocol Name
      0x05,                                 // Protocol Level 5
      0xc0,                                 // Connect Flags: User Name, Password; Clean Start off
      0x00, 0x1e,                           // Keep Alive 30 s
      0x08,                                 // Property Length 8
      0x11, 0x00, 0x00, 0x0e, 0x10,         //   Session Expiry Interval 3600 (4-byte integer)
      0x21, 0x00, 0x0a,                     //   Receive Maximum 10 (2-byte integer)
      0x00, 0x03, 'g', 'w', '1',            // Client Identifier
      0x00, 0x01, 'u',                      // User Name
      0x00, 0x02, 'p', 'w',                 // Password
  });
  EXPECT_EQ(hex(encode_connect(f)), hex(expected));
}

TEST(WireEncodeConnect, Mqtt5WithoutReceiveMaximumSendsOnlySessionExpiry) {
  ConnectFields f;
  f.mqtt5 = true;
  f.client_id = "c";
  f.keepalive_s = 60;
  f.clean_start = true;
  f.session_expiry_s = 0;
  f.receive_maximum = 0;  // not sent: 0 is a Protocol Error as a value
  const std::string expected = B({
      0x10, 0x13,                           // CONNECT, Remaining Length 19
      0x00, 0x04, 'M', 'Q', 'T', 'T',       // Protocol Name
      0x05,                                 // Protocol Level 5
      0x02,                                 // Connect Flags: Clean Start only
      0x00, 0x3c,                           // Keep Alive 60 s
      0x05,                                 // Property Length 5
      0x11, 0x00, 0x00, 0x00, 0x00,         //   Session Expiry Interval 0
      0x00, 0x01, 'c',                      // Client Identifier
  });
  EXPECT_EQ(hex(encode_connect(f)), hex(expected));
}

TEST(WireEncodeConnect, Mqtt311CleanSessionNoCredentialsNoProperties) {
  ConnectFields f;
  f.mqtt5 = false;
  f.client_id = "c";
  f.keepalive_s = 60;
  f.clean_start = true;
  f.session_expiry_s = 3600;  // MQTT 5 only: must not appear
  f.receive_maximum = 10;     // MQTT 5 only: must not appear
  const std::string expected = B({
      0x10, 0x0d,                           // CONNECT, Remaining Length 13
      0x00, 0x04, 'M', 'Q', 'T', 'T',       // Protocol Name
      0x04,                                 // Protocol Level 4 (3.1.1)
      0x02,                                 // Connect Flags: Clean Session only
      0x00, 0x3c,                           // Keep Alive 60 s
      0x00, 0x01, 'c',                      // Client Identifier (no property length on 3.1.1)
  });
  EXPECT_EQ(hex(encode_connect(f)), hex(expected));
}

TEST(WireEncodeConnect, Mqtt311WithUsernameAndPassword) {
  ConnectFields f;
  f.mqtt5 = false;
  f.client_id = "c";
  f.keepalive_s = 0;
  f.username = "u";
  f.password = "p";
  const std::string expected = B({
      0x10, 0x13,                           // CONNECT, Remaining Length 19
      0x00, 0x04, 'M', 'Q', 'T', 'T',       // Protocol Name
      0x04,                                 // Protocol Level 4
      0xc0,                                 // Connect Flags: User Name, Password
      0x00, 0x00,                           // Keep Alive 0 (off)
      0x00, 0x01, 'c',                      // Client Identifier
      0x00, 0x01, 'u',                      // User Name
      0x00, 0x01, 'p',                      // Password
  });
  EXPECT_EQ(hex(encode_connect(f)), hex(expected));
}

TEST(WireEncodeConnect, LongClientIdGivesATwoByteRemainingLengthThatDecodesBack) {
  ConnectFields f;
  f.mqtt5 = false;
  f.client_id = std::string(200, 'x');
  const std::string packet = encode_connect(f);
  // 10 (name, level, flags, keepalive) + 2 + 200 = 212 = 0xd4 -> 0xd4 0x01.
  ASSERT_GE(packet.size(), 3u);
  EXPECT_EQ(hex(packet.substr(0, 3)), hex(B({0x10, 0xd4, 0x01})));
  FixedHeader h;
  ASSERT_EQ(decode_fixed_header(packet, h), Decode::ok);
  EXPECT_EQ(h.type(), PacketType::connect);
  EXPECT_EQ(h.remaining_length, 212u);
  EXPECT_EQ(h.size, 3u);
  EXPECT_EQ(packet.size(), h.size + h.remaining_length);
}

TEST(WireEncodeSubscribe, Mqtt5HasAZeroPropertyLengthAndSubscriptionOptions) {
  const std::string expected = B({
      0x82, 0x09,                           // SUBSCRIBE (reserved flags 0010), Remaining Length 9
      0x12, 0x34,                           // Packet Identifier
      0x00,                                 // Property Length 0
      0x00, 0x03, 'a', '/', '#',            // Topic Filter
      0x01,                                 // Subscription Options: maximum QoS 1, rest default
  });
  EXPECT_EQ(hex(encode_subscribe(true, 0x1234, "a/#", 1)), hex(expected));
}

TEST(WireEncodeSubscribe, Mqtt311HasNoPropertyLength) {
  const std::string expected = B({
      0x82, 0x08,                           // SUBSCRIBE (reserved flags 0010), Remaining Length 8
      0x00, 0x01,                           // Packet Identifier 1
      0x00, 0x03, 'a', '/', '#',            // Topic Filter
      0x01,                                 // Requested QoS 1
  });
  EXPECT_EQ(hex(encode_subscribe(false, 1, "a/#", 1)), hex(expected));
}

TEST(WireEncodeSubscribe, RequestedQosIsTheLastByte) {
  for (int qos : {0, 1, 2}) {
    SCOPED_TRACE(qos);
    for (bool mqtt5 : {false, true}) {
      const std::string packet = encode_subscribe(mqtt5, 7, "t", qos);
      ASSERT_FALSE(packet.empty());
      EXPECT_EQ(static_cast<unsigned char>(packet.back()), qos);
      EXPECT_EQ(static_cast<unsigned char>(packet.front()), 0x82);
    }
  }
}

TEST(WireEncodeControlPackets, PubackAndPingreq) {
  struct Case {
    const char* what;
    std::string actual;
    std::string expected;
  };
  const Case cases[] = {
      // PUBACK, Remaining Length 2, Packet Identifier (MQTT 5: reason 0x00 and properties omitted).
      {"puback 0x1234", encode_puback(0x1234), B({0x40, 0x02, 0x12, 0x34})},
      {"puback 1", encode_puback(1), B({0x40, 0x02, 0x00, 0x01})},
      {"puback 65535", encode_puback(0xffff), B({0x40, 0x02, 0xff, 0xff})},
      // PINGREQ, Remaining Length 0.
      {"pingreq", encode_pingreq(), B({0xc0, 0x00})},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(hex(c.actual), hex(c.expected));
  }
}

// ---------------------------------------------------------------------------------------------
// Fixed header and Variable Byte Integer (MQTT 5 §1.5.5 / §2.1; MQTT 3.1.1 §2.2.3)
// ---------------------------------------------------------------------------------------------

TEST(WireDecodeFixedHeader, NeedMoreUntilTheRemainingLengthIsComplete) {
  struct Case {
    const char* what;
    std::string bytes;
  };
  const Case cases[] = {
      {"empty", ""},
      {"first byte only", B({0x30})},
      {"one continuation byte", B({0x30, 0x80})},
      {"two continuation bytes", B({0x30, 0xff, 0xff})},
      {"three continuation bytes", B({0x30, 0xff, 0xff, 0xff})},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    FixedHeader h;
    EXPECT_EQ(decode_fixed_header(c.bytes, h), Decode::need_more);
  }
}

TEST(WireDecodeFixedHeader, SpecExampleLengthsAndHeaderSizes2To5) {
  // The boundary values of the Variable Byte Integer table (MQTT 5 §1.5.5, 3.1.1 Table 2.4).
  struct Case {
    std::string bytes;
    std::uint32_t remaining_length;
    std::size_t size;
  };
  const Case cases[] = {
      {B({0x30, 0x00}), 0, 2},
      {B({0x30, 0x7f}), 127, 2},
      {B({0x30, 0x80, 0x01}), 128, 3},
      {B({0x30, 0xff, 0x7f}), 16'383, 3},
      {B({0x30, 0x80, 0x80, 0x01}), 16'384, 4},
      {B({0x30, 0xff, 0xff, 0x7f}), 2'097'151, 4},
      {B({0x30, 0x80, 0x80, 0x80, 0x01}), 2'097'152, 5},
      {B({0x30, 0xff, 0xff, 0xff, 0x7f}), 268'435'455, 5},  // the maximum
      {B({0x30, 0xc1, 0x02}), 321, 3},                      // 0x41 + 2*128
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(hex(c.bytes));
    FixedHeader h;
    ASSERT_EQ(decode_fixed_header(c.bytes, h), Decode::ok);
    EXPECT_EQ(h.first_byte, 0x30);
    EXPECT_EQ(h.remaining_length, c.remaining_length);
    EXPECT_EQ(h.size, c.size);
  }
}

TEST(WireDecodeFixedHeader, FifthLengthByteIsMalformed) {
  struct Case {
    const char* what;
    std::string bytes;
  };
  const Case cases[] = {
      {"four continuation bytes", B({0x30, 0xff, 0xff, 0xff, 0xff})},
      {"four continuation bytes and a fifth", B({0x30, 0xff, 0xff, 0xff, 0xff, 0x7f})},
      {"0x80 x4 then 0x01", B({0x30, 0x80, 0x80, 0x80, 0x80, 0x01})},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    FixedHeader h;
    EXPECT_EQ(decode_fixed_header(c.bytes, h), Decode::malformed);
  }
}

TEST(WireDecodeFixedHeader, TypeAndFlagsAndBytesAfterTheHeaderIgnored) {
  FixedHeader h;
  // PUBLISH with DUP, QoS 1, RETAIN; then the start of the body.
  ASSERT_EQ(decode_fixed_header(B({0x3b, 0x05, 0x00, 0x01, 't', 0x00, 0x01}), h), Decode::ok);
  EXPECT_EQ(h.type(), PacketType::publish);
  EXPECT_EQ(h.flags(), 0x0b);
  EXPECT_EQ(h.remaining_length, 5u);
  EXPECT_EQ(h.size, 2u);

  ASSERT_EQ(decode_fixed_header(B({0x20, 0x02, 0x00, 0x00}), h), Decode::ok);
  EXPECT_EQ(h.type(), PacketType::connack);
  EXPECT_EQ(h.flags(), 0);

  ASSERT_EQ(decode_fixed_header(B({0x90, 0x03}), h), Decode::ok);
  EXPECT_EQ(h.type(), PacketType::suback);
  ASSERT_EQ(decode_fixed_header(B({0xd0, 0x00}), h), Decode::ok);
  EXPECT_EQ(h.type(), PacketType::pingresp);
  ASSERT_EQ(decode_fixed_header(B({0xe0, 0x00}), h), Decode::ok);
  EXPECT_EQ(h.type(), PacketType::disconnect);
}

// ---------------------------------------------------------------------------------------------
// CONNACK (MQTT 5 §3.2; MQTT 3.1.1 §3.2)
// ---------------------------------------------------------------------------------------------

TEST(WireDecodeConnack, Accepted) {
  struct Case {
    const char* what;
    bool mqtt5;
    std::string body;
    bool session_present;
    std::uint8_t code;
  };
  const Case cases[] = {
      {"3.1.1 accepted", false, B({0x00, 0x00}), false, 0x00},
      {"3.1.1 session present", false, B({0x01, 0x00}), true, 0x00},
      {"3.1.1 refused: not authorized", false, B({0x00, 0x05}), false, 0x05},
      {"5 no properties", true, B({0x00, 0x00, 0x00}), false, 0x00},
      {"5 session present", true, B({0x01, 0x00, 0x00}), true, 0x00},
      {"5 with properties",
       true,
       B({
           0x01,              // Connect Acknowledge Flags: Session Present
           0x00,              // Reason Code: Success
           0x07,              // Property Length 7
           0x21, 0x00, 0x14,  //   Receive Maximum 20
           0x24, 0x01,        //   Maximum QoS 1
           0x25, 0x00,        //   Retain Available 0
       }),
       true, 0x00},
      {"5 not authorized with reason string",
       true,
       B({0x00, 0x87, 0x05, 0x1f, 0x00, 0x02, 'n', 'o'}),
       false, 0x87},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const auto ack = decode_connack(c.body, c.mqtt5);
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->session_present, c.session_present);
    EXPECT_EQ(ack->code, c.code);
  }
}

TEST(WireDecodeConnack, MalformedIsNullopt) {
  expect_each_malformed(
      {
          {"3.1.1 empty", false, ""},
          {"3.1.1 one byte", false, B({0x00})},
          {"5 empty", true, ""},
          {"5 one byte", true, B({0x01})},
          {"3.1.1 reserved flag bit 1", false, B({0x02, 0x00})},
          {"3.1.1 reserved flag bit 7", false, B({0x80, 0x00})},
          {"3.1.1 all reserved flag bits", false, B({0xfe, 0x00})},
          {"5 reserved flag bit 1", true, B({0x02, 0x00, 0x00})},
          {"5 reserved flags and session present", true, B({0xff, 0x00, 0x00})},
          {"5 property length past the end", true, B({0x00, 0x00, 0x05, 0x24, 0x01})},
          {"5 property length cut short", true, B({0x00, 0x00, 0x80})},
      },
      [](const std::string& body, bool mqtt5) { return decode_connack(body, mqtt5); });
}

// ---------------------------------------------------------------------------------------------
// SUBACK (MQTT 5 §3.9; MQTT 3.1.1 §3.9)
// ---------------------------------------------------------------------------------------------

TEST(WireDecodeSuback, PacketIdAndCodes) {
  struct Case {
    const char* what;
    bool mqtt5;
    std::string body;
    std::uint16_t packet_id;
    std::vector<std::uint8_t> codes;
  };
  const Case cases[] = {
      {"3.1.1 granted QoS 1", false, B({0x12, 0x34, 0x01}), 0x1234, {0x01}},
      {"3.1.1 several", false, B({0x00, 0x0a, 0x00, 0x01, 0x02, 0x80}), 10, {0x00, 0x01, 0x02, 0x80}},
      {"3.1.1 failure 0x80", false, B({0x00, 0x01, 0x80}), 1, {0x80}},
      {"5 no properties", true, B({0x12, 0x34, 0x00, 0x01}), 0x1234, {0x01}},
      {"5 with properties and codes",
       true,
       B({
           0x12, 0x34,                        // Packet Identifier
           0x05,                              // Property Length 5
           0x1f, 0x00, 0x02, 'o', 'k',        //   Reason String "ok"
           0x01, 0x80, 0x87,                  // Granted QoS 1, Unspecified error, Not authorized
       }),
       0x1234, {0x01, 0x80, 0x87}},
      {"5 failure 0x80", true, B({0x00, 0x01, 0x00, 0x80}), 1, {0x80}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const auto ack = decode_suback(c.body, c.mqtt5);
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->packet_id, c.packet_id);
    EXPECT_EQ(ack->codes, c.codes);
  }
}

TEST(WireDecodeSuback, MalformedIsNullopt) {
  expect_each_malformed(
      {
          {"3.1.1 empty", false, ""},
          {"3.1.1 half a packet id", false, B({0x12})},
          {"3.1.1 no codes", false, B({0x12, 0x34})},
          {"5 empty", true, ""},
          {"5 no property length", true, B({0x12, 0x34})},
          {"5 no codes", true, B({0x12, 0x34, 0x00})},
          {"5 properties but no codes", true, B({0x12, 0x34, 0x03, 0x1f, 0x00, 0x00})},
          {"5 property length past the end", true, B({0x12, 0x34, 0x05, 0x01})},
          {"5 property length cut short", true, B({0x12, 0x34, 0x80})},
      },
      [](const std::string& body, bool mqtt5) { return decode_suback(body, mqtt5); });
}

// ---------------------------------------------------------------------------------------------
// PUBLISH (MQTT 5 §3.3; MQTT 3.1.1 §3.3)
// ---------------------------------------------------------------------------------------------

// 130 bytes of properties: one User Property (0x26) with a 64-byte name and a 61-byte value, so
// that the Property Length takes two bytes (0x82 0x01).
std::string long_properties() {
  std::string p = B({0x26, 0x00, 0x40});
  p += std::string(64, 'k');
  p += B({0x00, 0x3d});
  p += std::string(61, 'v');
  return p;
}

struct PublishCase {
  const char* what;
  std::uint8_t flags;
  bool mqtt5;
  std::string body;
  int qos;
  bool dup;
  bool retain;
  std::string topic;
  std::uint16_t packet_id;
  std::size_t payload_offset;
};

std::vector<PublishCase> valid_publishes() {
  return {
      {"3.1.1 QoS 0", 0x00, false, B({0x00, 0x03, 'a', '/', 'b', 'x', 'y'}), 0, false, false, "a/b", 0, 5},
      {"3.1.1 QoS 0 empty payload", 0x00, false, B({0x00, 0x01, 't'}), 0, false, false, "t", 0, 3},
      {"3.1.1 QoS 0 retain", 0x01, false, B({0x00, 0x01, 't', 'x'}), 0, false, true, "t", 0, 3},
      {"3.1.1 QoS 1", 0x02, false, B({0x00, 0x03, 'a', '/', 'b', 0x12, 0x34, 'x'}), 1, false, false, "a/b", 0x1234, 7},
      {"3.1.1 QoS 1 dup retain", 0x0b, false, B({0x00, 0x01, 't', 0x00, 0x07, '{', '}'}), 1, true, true, "t", 7, 5},
      {"3.1.1 QoS 2", 0x04, false, B({0x00, 0x01, 't', 0xff, 0xff}), 2, false, false, "t", 0xffff, 5},
      {"5 QoS 0 no properties", 0x00, true, B({0x00, 0x03, 'a', '/', 'b', 0x00, 'x'}), 0, false, false, "a/b", 0, 6},
      {"5 QoS 1 with properties",
       0x02,
       true,
       B({
           0x00, 0x03, 'a', '/', 'b',         // Topic Name
           0x12, 0x34,                        // Packet Identifier
           0x07,                              // Property Length 7
           0x01, 0x01,                        //   Payload Format Indicator: UTF-8
           0x02, 0x00, 0x00, 0x00, 0x3c,      //   Message Expiry Interval 60
           '{', '}',                          // Payload
       }),
       1, false, false, "a/b", 0x1234, 15},
      {"5 QoS 1 dup retain", 0x0b, true, B({0x00, 0x01, 't', 0x00, 0x02, 0x00, 'p'}), 1, true, true, "t", 2, 6},
      {"5 QoS 0 two-byte property length", 0x00, true,
       B({0x00, 0x01, 't', 0x82, 0x01}) + long_properties() + "payload", 0, false, false, "t", 0, 3 + 2 + 130},
      {"5 QoS 1 two-byte property length", 0x02, true,
       B({0x00, 0x01, 't', 0x00, 0x09, 0x82, 0x01}) + long_properties() + "payload", 1, false, false, "t", 9,
       3 + 2 + 2 + 130},
  };
}

void expect_head(const PublishHead& h, const PublishCase& c) {
  EXPECT_EQ(h.qos, c.qos);
  EXPECT_EQ(h.dup, c.dup);
  EXPECT_EQ(h.retain, c.retain);
  EXPECT_EQ(h.topic, c.topic);
  EXPECT_EQ(h.packet_id, c.packet_id);
  EXPECT_EQ(h.payload_offset, c.payload_offset);
}

TEST(WireDecodePublishHead, FlagsTopicPacketIdAndPayloadOffset) {
  for (const auto& c : valid_publishes()) {
    SCOPED_TRACE(c.what);
    PublishHead h;
    ASSERT_EQ(decode_publish_head(c.flags, c.body, c.mqtt5, h), Decode::ok);
    expect_head(h, c);
  }
}

TEST(WireDecodePublishHead, NeedMoreOnEveryPrefixShorterThanTheHead) {
  for (const auto& c : valid_publishes()) {
    SCOPED_TRACE(c.what);
    PublishHead full;
    ASSERT_EQ(decode_publish_head(c.flags, c.body, c.mqtt5, full), Decode::ok);
    ASSERT_EQ(full.payload_offset, c.payload_offset);
    for (std::size_t n = 0; n <= c.body.size(); ++n) {
      SCOPED_TRACE(n);
      PublishHead h;
      const Decode d = decode_publish_head(c.flags, std::string_view(c.body).substr(0, n), c.mqtt5, h);
      if (n < c.payload_offset) {
        EXPECT_EQ(d, Decode::need_more);
      } else {
        ASSERT_EQ(d, Decode::ok);
        expect_head(h, c);
      }
    }
  }
}

TEST(WireDecodePublishHead, Malformed) {
  struct Case {
    const char* what;
    std::uint8_t flags;
    bool mqtt5;
    std::string body;
  };
  const Case cases[] = {
      {"3.1.1 QoS 3", 0x06, false, B({0x00, 0x01, 't', 0x00, 0x01})},
      {"3.1.1 QoS 3 dup retain", 0x0f, false, B({0x00, 0x01, 't', 0x00, 0x01})},
      {"5 QoS 3", 0x06, true, B({0x00, 0x01, 't', 0x00, 0x01, 0x00})},
      {"QoS 3 before any body", 0x06, false, ""},
      {"3.1.1 QoS 1 packet id 0", 0x02, false, B({0x00, 0x01, 't', 0x00, 0x00, 'x'})},
      {"3.1.1 QoS 2 packet id 0", 0x04, false, B({0x00, 0x01, 't', 0x00, 0x00})},
      {"5 QoS 1 packet id 0", 0x02, true, B({0x00, 0x01, 't', 0x00, 0x00, 0x00})},
      {"3.1.1 QoS 0 empty topic", 0x00, false, B({0x00, 0x00, 'x'})},
      {"3.1.1 QoS 1 empty topic", 0x02, false, B({0x00, 0x00, 0x00, 0x01, 'x'})},
      {"5 QoS 0 empty topic", 0x00, true, B({0x00, 0x00, 0x00, 'x'})},
      // Empty topic with a Topic Alias (0x23): we never allow aliases, so still malformed.
      {"5 QoS 1 empty topic with topic alias", 0x02, true, B({0x00, 0x00, 0x00, 0x01, 0x03, 0x23, 0x00, 0x01})},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    PublishHead h;
    EXPECT_EQ(decode_publish_head(c.flags, c.body, c.mqtt5, h), Decode::malformed);
  }
}

// ---------------------------------------------------------------------------------------------
// DISCONNECT from the server (MQTT 5 §3.14)
// ---------------------------------------------------------------------------------------------

TEST(WireDecodeDisconnect, ReasonCode) {
  struct Case {
    const char* what;
    std::string body;
    std::uint8_t reason;
  };
  const Case cases[] = {
      {"empty body: normal disconnection", "", 0x00},
      {"session taken over", B({0x8e}), 0x8e},
      {"session taken over with property length 0", B({0x8e, 0x00}), 0x8e},
      {"server shutting down with reason string", B({0x8b, 0x04, 0x1f, 0x00, 0x01, 'x'}), 0x8b},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const auto reason = decode_disconnect(c.body);
    ASSERT_TRUE(reason.has_value());
    EXPECT_EQ(*reason, c.reason);
  }
}

}  // namespace
}  // namespace wedge::mqtt::wire
