// Link::Impl, the state of the MQTT link (link.hpp), shared by the files that implement it:
// link.cpp (connection, uplink, status, shutdown) and link_commands.cpp (the command intake and
// its replies). Internal to daemon/mqtt; loop thread, as link.hpp says.
#pragma once

#include "daemon/mqtt/link.hpp"

#include <set>

#include "daemon/core/rfc3339.hpp"
#include "daemon/mqtt/broker_nodes.hpp"
#include "daemon/mqtt/broker_socket.hpp"
#include "daemon/mqtt/command_channel.hpp"
#include "daemon/mqtt/paho_listener.hpp"
#include "daemon/mqtt/refusal_reason.hpp"
#include "daemon/outbox/envelope.hpp"
#include "daemon/mqtt/session_counter.hpp"
#include "daemon/mqtt/token_bucket.hpp"
#include "daemon/mqtt/topics.hpp"
#include "drivers/common/backoff.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>
#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_set>

namespace wedge::mqtt {

namespace json = boost::json;
namespace asio = boost::asio;

inline std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct DeviceState {
  std::string state;
  std::string reason;
  std::vector<std::string> warnings;
  std::int64_t since_unix_ms = 0;
};

struct Link::Impl : std::enable_shared_from_this<Impl> {
  using Listener = OpListener<Impl>;  // daemon/mqtt/paho_listener.hpp: why one per operation
  Listener& make_listener(Listener::Handler handler, OpTag tag) {
    return listeners.make(shared_from_this(), loop, handler, tag);
  }

  Impl(asio::any_io_executor loop_in, LinkOptions options_in, outbox::Outbox& outbox_in,
       commands::CommandJournal& journal_in, InventoryProvider inv)
      : loop(std::move(loop_in)),
        options(std::move(options_in)),
        outbox(outbox_in),
        journal(journal_in),
        inventory(std::move(inv)),
        topics(options.topic_prefix, options.site, options.gateway),
        nodes(options.broker_nodes()),
        session(options.state_dir + "/mqtt-session"),
        bucket(options.replay_rate_per_s, options.replay_burst),
        backoff(std::chrono::milliseconds(options.reconnect_min_ms),
                std::chrono::milliseconds(options.reconnect_max_ms)),
        reconnect_timer(loop),
        pace_timer(loop) {}

  // ---- loop-thread state -------------------------------------------------------------------------
  asio::any_io_executor loop;
  LinkOptions options;
  outbox::Outbox& outbox;
  commands::CommandJournal& journal;  // validates and commits commands on its own thread
  InventoryProvider inventory;
  CommandHandler command_handler;
  std::function<void(std::int64_t)> ack_observer;
  Topics topics;
  BrokerNodes nodes;  // the Paho connection's node now (Paho's URI, TCP_NODELAY); the channel has its own
  bool nodelay_warned = false;
  SessionCounter session;
  TokenBucket bucket;
  drivers::Backoff backoff;
  asio::steady_timer reconnect_timer;
  asio::steady_timer pace_timer;
  std::int64_t connect_attempt = 0;  // numbers CONNECTs, so a late callback of an old one is ignored
  ::mqtt::token_ptr connect_token;    // of the CONNECT in progress, if any
  std::optional<Credentials> credentials;
  std::map<std::string, DeviceState> devices;
  std::set<std::string> forgotten_devices;  // removed while disconnected: cleared at the next birth
  std::deque<outbox::StoredEvent> pending;   // handed out by next_batch, not yet published
  std::unordered_set<std::int64_t> inflight;  // published, PUBACK outstanding
  LinkStats counters;
  bool started = false;
  bool stopping = false;
  bool connected = false;
  // restart_connection() issued a DISCONNECT and waits for it to finish before reconnecting.
  bool disconnect_pending = false;
  bool paced = false;
  bool pace_waiting = false;
  int connect_failures = 0;
  bool shut_down = false;
  std::unique_ptr<CommandChannel> command_channel;
  // Replies to commands that came in while the Paho connection was down (the channel has its own
  // connection); they go out, oldest first, on the next CONNACK. Bounded: past kMaxUnsentReplies
  // the oldest goes, and the OMS's resend (docs/mqtt-api.md) gets its answer again.
  std::deque<std::string> unsent_replies;
  // The listeners of `client`'s operations; released each time a client is destroyed (a CONNECT in
  // progress is never called back then), so declared before it: destroyed after it.
  OpListeners<Impl> listeners;
  std::unique_ptr<::mqtt::async_client> client;  // last member: destroyed first

  void start();
  void stop(std::chrono::milliseconds timeout);
  void shutdown(std::chrono::milliseconds timeout);
  void schedule_reconnect();
  void next_node();  // after a lost or refused connection: the next broker node (broker_nodes.hpp)
  void attempt_connect();
  std::unique_ptr<::mqtt::async_client> make_client(std::int64_t connection);
  ::mqtt::connect_options connect_options();
  void on_connect_result(OpTag tag, OpResult result);
  void on_connected();
  void on_connect_failed(const std::string& why);
  void make_command_channel();
  void on_command_message(InboundMessage message, CommandChannel::Ack ack);
  void on_command_channel_state(bool subscribed);
  void on_publish_result(OpTag tag, OpResult result);
  void count_ack(const OpTag& tag);
  void on_publish_failed(std::int64_t seq, int rc, int reason);
  void on_connection_lost(std::int64_t connection, const std::string& cause);
  void disconnect_done();
  void restart_connection(const std::string& why);
  void on_disconnect_result(OpTag tag, OpResult result);
  void on_command(const commands::Reply& reply, std::optional<commands::Command> command);
  void pump();
  void publish_event(const outbox::StoredEvent& event);
  void publish_control(const std::string& topic, const std::string& payload, bool retained);
  void publish_birth();
  void publish_device(const std::string& id, const DeviceState& state);
  std::string status_json(bool online, const char* reason);
  void disable_nagle();
};

}  // namespace wedge::mqtt
