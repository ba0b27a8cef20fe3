// The command channel: the gateway's own MQTT connection that receives OMS commands, and sends the
// PUBACK of each one only after the application says it is stored (docs/mqtt-api.md, "Command
// delivery promise").
//
// Why not Paho: Paho C answers an inbound QoS 1 PUBLISH with PUBACK before it hands the message to
// the application (MQTTProtocol_handlePublishes in MQTTProtocolClient.c: "send puback before
// processing the publications"), and has no manual acknowledgement; libmosquitto does the same
// (handle__publish). A crash between that PUBACK and the commit lost the command at the broker. So
// commands come over this small client of our own, on a second connection with client id
// `<client_id>-cmd`; events, status and replies stay on the Paho link (link.hpp).
//
// Contract
// - Session: MQTT 5 or 3.1.1, clean start off, MQTT 5 Session Expiry Interval = session_expiry_s,
//   so the broker keeps the subscription and queues commands while the gateway is away. One
//   subscription, `filter` at QoS 1, made after every CONNACK.
// - Delivery: every PUBLISH goes to the MessageHandler on the loop in the order received, with an
//   Ack. Calling the Ack (on the loop) sends the PUBACK of a QoS 1 message if the connection it
//   came on still exists; acks must be called in the order the messages were handed out (MQTT
//   requires PUBACKs in PUBLISH order). A message that is never acked is sent again by the broker
//   on the next connection (DUP set): the handler must treat a known command as a duplicate.
//   MQTT 5: at most `receive_maximum` unacknowledged messages are in flight.
// - Size: a PUBLISH whose body is over max_payload_bytes + 70,000 is not read into memory; the
//   handler gets its topic, its size and an empty payload with `truncated` set, and must reject it
//   (too_large). Smaller ones arrive whole; the handler applies max_payload_bytes itself.
// - Liveness: PINGREQ every keepalive_s / 2; no packet from the broker for 1.5 × keepalive_s, a
//   CONNACK or SUBACK refused, a malformed packet, a DISCONNECT from the broker, or no SUBACK within
//   connect_timeout_s of starting to connect → the connection is closed and retried after
//   exponential back-off with jitter (drivers::Backoff).
// - Failover: `nodes` is the ordered broker list (broker_nodes.hpp); the channel starts on the first
//   and moves to the next node whenever a connection ends or fails as above, before the back-off.
// - TLS (tls = true): TLS 1.2 or later, the server certificate checked against ca_file (system CAs
//   when empty) and the host name (or IP) of the URI, optional client certificate and key.
// - The StateHandler hears true on every SUBACK and false when a subscribed connection ends.
//
// Threading: construct, call and destroy on the loop thread; every handler runs on the loop.
#pragma once

#include "daemon/mqtt/link_options.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wedge::mqtt {

struct CommandChannelOptions {
  std::vector<std::string> nodes;  // broker URIs in order (LinkOptions::broker_nodes()), all parseable
  bool tls = false;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string client_id;
  bool mqtt5 = true;
  int keepalive_s = 30;
  std::int64_t session_expiry_s = 7 * 24 * 3600;
  int connect_timeout_s = 10;
  int reconnect_min_ms = 500;
  int reconnect_max_ms = 30'000;
  std::string filter;
  std::size_t max_payload_bytes = 256 * 1024;
  std::uint16_t receive_maximum = 32;
  std::optional<Credentials> credentials;
};

struct InboundMessage {
  std::string topic;
  std::string payload;            // empty when truncated
  std::size_t payload_bytes = 0;  // the size the PUBLISH announced
  bool truncated = false;
  bool duplicate = false;  // DUP flag: the broker sent it before
};

struct CommandChannelStats {
  bool subscribed = false;
  std::int64_t connects = 0;   // CONNACKs accepted
  std::int64_t received = 0;   // PUBLISHes handed to the handler
  std::int64_t acked = 0;      // PUBACKs sent
  std::string node_uri;        // the node connected to, or tried next
  int node_index = 0;          // its index in CommandChannelOptions::nodes
};

class CommandChannel {
 public:
  using Ack = std::function<void()>;
  using MessageHandler = std::function<void(InboundMessage message, Ack ack)>;
  using StateHandler = std::function<void(bool subscribed)>;

  // Throws std::runtime_error when the TLS files cannot be loaded (a start-up error).
  CommandChannel(boost::asio::any_io_executor loop, CommandChannelOptions options, MessageHandler on_message,
                 StateHandler on_state);
  ~CommandChannel();
  CommandChannel(const CommandChannel&) = delete;
  CommandChannel& operator=(const CommandChannel&) = delete;

  void start();
  // Closes the connection and stops retrying; no handler runs afterwards. The broker keeps the
  // session: unacknowledged commands come again on the next start.
  void stop();

  CommandChannelStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace wedge::mqtt
