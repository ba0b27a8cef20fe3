// The MQTT link to the OMS: publishes the outbox in seq order, keeps the retained gateway and device
// status, and takes commands in (docs/mqtt-api.md).
//
// Contract
// - Uplink: the link reads the outbox and nothing else; producers append through an
//   outbox::EventSink and never see the link. It drains on the outbox's available handler alone
//   (called after every commit that stored events), on a PUBACK that frees the window, on a
//   CONNACK and when replay pacing allows: no poll. Events leave the outbox only after the broker's
//   PUBACK (outbox.ack(seq)). At most
//   `inflight_window` publishes are unacknowledged. After every (re)connect the outbox is rewound
//   and everything unacknowledged is sent again in seq order: delivery is at least once, the OMS
//   de-duplicates by event id. Each publish carries the session number (envelope field "session",
//   and on MQTT 5 the user property "session").
// - Two connections. Events, status and replies go over a Paho async_client (MQTT 5 or 3.1.1,
//   client id `client_id`, clean start: it only publishes). Commands come over the CommandChannel
//   (command_channel.hpp: client id `<client_id>-cmd`, clean start off with a session expiry, so
//   the broker keeps the subscription and queues commands across outages).
// - Session: every Paho CONNECT takes a new session number (SessionCounter); the Will is
//   {"online":false,...} retained on status; the birth {"online":true,...} goes out when the Paho
//   connection is up and the command channel subscribed, i.e. on whichever of its CONNACK and the
//   channel's SUBACK comes second (and on every later SUBACK); stop() publishes offline before a
//   clean DISCONNECT (a clean DISCONNECT suppresses the Will).
// - Nagle: after every CONNACK the link sets TCP_NODELAY on Paho's socket (broker_socket.hpp); the
//   broker must do the same on its side (mosquitto: set_tcp_nodelay true) or PUBACKs can be held
//   back by up to 40 ms (docs/mqtt-api.md, "Connection").
// - Failover: options.broker_nodes() is an ordered list (broker.uris). Each connection starts on
//   the first node and, after a lost connection or a failed or refused CONNECT, moves to the next
//   one (wrapping) before its back-off; the command channel does the same on its own
//   (broker_nodes.hpp: why not Paho's serverURIs). The node in use is in the log, the birth
//   ("broker_uri", "broker_index") and LinkStats.
// - Reconnect: our own timer with exponential back-off and full jitter (drivers::Backoff), after a
//   lost connection, a failed or timed-out CONNECT, or a DISCONNECT from an MQTT 5 broker. Each
//   attempt uses a fresh Paho client, so Paho never resends or carries over publishes of an older
//   connection: the outbox rewind is the only resend, and it goes in seq order.
// - Paho operations: each has its own self-owning listener (paho_listener.hpp); outcomes carry the
//   connection they belong to, and those of an older connection are ignored (a PUBACK still acks).
// - Downlink: commands on {base}/cmd/# go to the CommandJournal (daemon/commands/
//   command_journal.hpp), which validates and commits them on its own thread, in arrival order;
//   then, on the loop, the PUBACK goes out, the reply is published on {base}/ack and the accepted
//   command goes to the command handler. A crash before the commit leaves the command
//   unacknowledged at the broker, which sends it again; the journal answers a known command id
//   "accepted, duplicate" and hands it on no second time. The link never touches commands.db.
// - rebirth: republishes the retained status and every device status.
//
// Threading: construct, call and destroy on the loop thread; handlers run on the loop. Paho's
// callbacks only post copies to the loop; commands.db belongs to the CommandJournal's thread.
#pragma once

#include "daemon/commands/command.hpp"
#include "daemon/commands/command_journal.hpp"
#include "daemon/mqtt/latency_histogram.hpp"
#include "daemon/mqtt/link_options.hpp"
#include "daemon/mqtt/topics.hpp"
#include "daemon/outbox/outbox.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace wedge::mqtt {

struct Inventory {
  std::vector<std::string> stations;
  std::vector<std::string> devices;
};

struct LinkStats {
  bool connected = false;
  std::int64_t session = 0;
  std::int64_t published = 0;  // publishes handed to Paho (including resends)
  std::int64_t acked = 0;      // PUBACKs for outbox events
  // Per PUBACK counted in `acked` (so count() == acked): from the event's creation time (its
  // envelope `ts`, milliseconds, so a value may read up to 1 ms high) to the PUBACK reaching the
  // loop. Events replayed after an outage or a restart count their whole time in the outbox.
  LatencyHistogram publish_latency;
  std::int64_t connects = 0;   // successful CONNACKs
  bool commands_subscribed = false;  // the command channel holds its subscription now
  // The node each connection uses now, or tries next while disconnected (index into broker_nodes()).
  std::string broker_uri;
  int broker_index = 0;
  std::string commands_broker_uri;
  int commands_broker_index = 0;
  std::int64_t commands_accepted = 0;
  std::int64_t commands_rejected = 0;
  int inflight = 0;
};

class Link {
 public:
  using InventoryProvider = std::function<Inventory()>;
  using CommandHandler = std::function<void(const commands::Command&)>;

  // Throws std::runtime_error on start-up errors: invalid options, a credentials file that is
  // missing or too open. `outbox` and `journal` must outlive the Link.
  Link(boost::asio::any_io_executor loop, LinkOptions options, outbox::Outbox& outbox,
       commands::CommandJournal& journal, InventoryProvider inventory);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Accepted commands (not rebirth, which the link handles itself), once stored.
  void set_command_handler(CommandHandler handler);
  // Takes the outbox's available handler (the link is its only reader) and starts connecting;
  // returns at once.
  void start();
  // Publishes the retained offline status (waiting for its PUBACK), disconnects (also ending a
  // CONNECT in progress), stops reconnecting and destroys the Paho client. Blocks the loop thread for
  // at most `budget` in all (plus a command commit already running on the worker), whatever the
  // broker does: call at shutdown with what is left of the shutdown bound. It stops the command
  // journal too (commands not yet committed are dropped unacknowledged: the broker sends them
  // again). The destructor does the same with 1 s.
  void stop(std::chrono::milliseconds budget = std::chrono::seconds(2));

  // Retained {state, reason, warnings, since, session} on {base}/device/{id}/status; published again
  // when any of state, reason or warnings changes, and on every birth. Loop thread only.
  void publish_device_status(const std::string& device_id, const std::string& state, const std::string& reason,
                             const std::vector<std::string>& warnings);

  // A device that a reload removed: its retained status is cleared on the broker (an empty retained
  // message on {base}/device/{id}/status) now, or at the next birth while disconnected, and it is
  // no longer republished. Loop thread only.
  void forget_device(const std::string& device_id);
  // Publishes the retained online status again (its stations and devices come from the inventory
  // provider): after a reload changed them. Nothing while disconnected (the next birth has them).
  // Loop thread only.
  void republish_status();

  // Called on the loop with the seq of every outbox event the broker acknowledged (metrics, bench).
  void set_ack_observer(std::function<void(std::int64_t seq)> observer);

  LinkStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The topic of an outbox event (docs/mqtt-api.md, "Topic tree"): {base}/station/{station}/event/{type}
// for a business event, .../telemetry/{type} for telemetry, without the station levels when no
// station is concerned. For outbox::OutboxSink.
[[nodiscard]] std::function<std::string(const outbox::NewEvent&)> event_topic_of(Topics topics);

}  // namespace wedge::mqtt
