#include "daemon/mqtt/link_impl.hpp"

#include "daemon/core/rfc3339.hpp"
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
#include <stdexcept>
#include <unordered_set>
#include <utility>

namespace wedge::mqtt {

namespace {

// How long restart_connection() waits for Paho to finish a DISCONNECT before reconnecting anyway.
constexpr std::chrono::milliseconds kDisconnectBackstop{5000};

// The stored envelope is a JSON object; the session it goes out in is only known now, so splice
// `"session":N` in before the closing brace instead of parsing and re-serialising every event.
std::string with_session(const std::string& payload, std::int64_t session) {
  const auto close = payload.find_last_of('}');
  if (close == std::string::npos) return payload;
  const auto before = payload.find_last_not_of(" \t\r\n", close == 0 ? 0 : close - 1);
  const bool empty_object = before != std::string::npos && payload[before] == '{';
  std::string out;
  out.reserve(payload.size() + 24);
  out.append(payload, 0, close);
  out.append(empty_object ? "\"session\":" : ",\"session\":");
  out.append(std::to_string(session));
  out.append(payload, close, std::string::npos);
  return out;
}

}  // namespace

std::string Link::Impl::status_json(bool online, const char* reason) {
  json::object obj;
  obj["online"] = online;
  obj["session"] = session.current();
  obj["ts"] = core::format_rfc3339_ms(now_unix_ms());
  if (online) {
    const Inventory inv = inventory ? inventory() : Inventory{};
    obj["version"] = options.version;
    json::array stations(inv.stations.begin(), inv.stations.end());
    json::array device_ids(inv.devices.begin(), inv.devices.end());
    obj["stations"] = std::move(stations);
    obj["devices"] = std::move(device_ids);
    obj["outbox_depth"] = outbox.stats().depth;
    obj["broker_uri"] = nodes.current().uri;
    obj["broker_index"] = static_cast<std::int64_t>(nodes.index());
  } else {
    obj["reason"] = reason;
  }
  return json::serialize(obj);
}

::mqtt::connect_options Link::Impl::connect_options() {
  ::mqtt::connect_options_builder builder;
  // The Will is fixed at CONNECT: it names the session this connection belongs to.
  ::mqtt::message will(topics.status(), status_json(false, "connection lost"), 1, true);
  // Clean start: this connection only publishes, so the broker has nothing to keep for it (the
  // outbox is the resend queue). Commands and their persistent session are the command channel's.
  // It also drops the command subscription that earlier versions made on this client id.
  if (options.use_mqtt5()) {
    builder.mqtt_version(MQTTVERSION_5).clean_start(true);
  } else {
    builder.mqtt_version(MQTTVERSION_3_1_1).clean_session(true);
  }
  builder.keep_alive_interval(std::chrono::seconds(options.keepalive_s))
      .connect_timeout(std::chrono::seconds(options.connect_timeout_s))
      .max_inflight(options.inflight_window * 2 + 16)
      .will(std::move(will));
  if (credentials) {
    builder.user_name(credentials->username);
    builder.password(credentials->password);
  }
  if (options.use_tls()) {
    ::mqtt::ssl_options ssl;
    if (!options.ca_file.empty()) ssl.set_trust_store(options.ca_file);
    if (!options.cert_file.empty()) {
      ssl.set_key_store(options.cert_file);
      ssl.set_private_key(options.key_file);
    }
    ssl.set_enable_server_cert_auth(true);
    ssl.set_verify(true);  // host name check; off by default in Paho C
    builder.ssl(std::move(ssl));
  }
  return builder.finalize();
}

void Link::Impl::start() {
  if (started) return;
  started = true;
  std::weak_ptr<Impl> weak = weak_from_this();
  // The only way the link hears of new events: after each commit that stored some.
  outbox.set_available_handler([weak] {
    if (auto self = weak.lock()) self->pump();
  });
  command_channel->start();
  attempt_connect();
}

// One Paho client per connection attempt. A Paho client keeps state across its connections: after
// a CONNACK with session present it retransmits its own in-flight publishes, and it sends publishes
// still queued from the old connection, on its own and ahead of the link's rewind, while it fails
// others at the loss (rc=-1). With one client for all connections the OMS once saw seq N+1 before
// N after a broker restart (BrokerRestartedTwiceMidStreamLosesNothing). The outbox is the only
// resend queue we want, so each connection gets a client with no such state.
std::unique_ptr<::mqtt::async_client> Link::Impl::make_client(std::int64_t connection) {
  auto create = ::mqtt::create_options(options.use_mqtt5() ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
  // The outbox is the persistence and the offline buffer: Paho keeps nothing on disk and publishes
  // only while connected, so its buffer limit never binds below our own window.
  create.set_max_buffered_messages(std::max(1000, options.inflight_window * 4));
  auto fresh = std::make_unique<::mqtt::async_client>(nodes.current().address.paho(), options.effective_client_id(),
                                                      create, nullptr);
  std::weak_ptr<Impl> weak = weak_from_this();
  // No message callback: this client subscribes to nothing (commands come over CommandChannel).
  fresh->set_connection_lost_handler([weak, connection, ex = loop](const std::string& cause) {
    asio::post(ex, [weak, connection, cause] {
      if (auto self = weak.lock()) self->on_connection_lost(connection, cause);
    });
  });
  // An MQTT 5 broker may end the connection with a DISCONNECT packet (malformed packet, session
  // taken over, server shutting down). Paho reports that here and NOT as a lost connection, so
  // without this handler the link would believe it is still connected and stall.
  fresh->set_disconnected_handler([weak, connection, ex = loop](const ::mqtt::properties&,
                                                                 ::mqtt::ReasonCode reason) {
    asio::post(ex, [weak, connection, reason] {
      if (auto self = weak.lock()) {
        self->on_connection_lost(connection,
                                 "broker sent DISCONNECT: " + reason_code_words(static_cast<int>(reason)));
      }
    });
  });
  return fresh;
}

void Link::Impl::disable_nagle() {
  const auto result = set_tcp_nodelay_to(nodes.current().address);
  if (result.found > 0) {
    spdlog::debug("mqtt TCP_NODELAY set on {} of {} connection(s) to the broker", result.changed, result.found);
  } else if (!nodelay_warned) {
    nodelay_warned = true;
    spdlog::warn("mqtt connection to {} not found in /proc/self/fd: Nagle stays on, PUBACKs may come up to 40 ms late",
                 nodes.current().uri);
  }
}

void Link::Impl::attempt_connect() {
  if (stopping) return;
  if (!session.next()) spdlog::error("mqtt session counter could not be stored in {}", options.state_dir);
  const std::int64_t attempt = ++connect_attempt;
  disconnect_pending = false;
  try {
    // The new client exists before the old one goes: destroying the last Paho client stops Paho's
    // threads (up to a second of waiting, on the loop). Destroying the old one fails its pending
    // operations; their outcomes carry the old connection number and are ignored.
    auto old = std::move(client);
    client = make_client(attempt);
    old.reset();
    listeners.release_unfinished();
    // No CONNECT properties: Paho C++ 1.2.0's connect_options copy and move leave
    // `connectProperties` pointing into the object they were copied from (fixed upstream later); if
    // one is ever needed, set it on this local, which outlives the connect() call.
    ::mqtt::connect_options opts = connect_options();
    auto& op = make_listener(&Impl::on_connect_result, OpTag{attempt, 0});
    try {
      connect_token = client->connect(opts, nullptr, op);
    } catch (...) {
      op.release();  // Paho refused the operation: it will never call back
      throw;
    }
  } catch (const std::exception& e) {
    on_connect_failed(e.what());
  }
  // No watchdog of our own: Paho C fails a CONNECT that gets no CONNACK within connect_timeout_s
  // (MQTTAsync_checkTimeouts) and calls on_failure. An earlier watchdog that issued a second
  // connect() while Paho still worked on the first only raced with it.
}

void Link::Impl::schedule_reconnect() {
  if (stopping) return;
  const auto delay = backoff.next();
  reconnect_timer.expires_after(delay);
  reconnect_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->attempt_connect();
  });
}

void Link::Impl::on_connect_result(OpTag tag, OpResult result) {
  if (tag.connection != connect_attempt) return;  // an older attempt: a newer one is under way
  connect_token.reset();
  if (result) {
    on_connected();
  } else {
    const auto failure = result.error();
    on_connect_failed(paho_connect_failure(failure.rc, failure.reason_code, options.use_mqtt5(), options.use_tls()));
  }
}

void Link::Impl::on_connect_failed(const std::string& why) {
  connect_token.reset();
  if (stopping) return;
  ++connect_failures;
  // Log the first failure of an outage, then every 20th, not every attempt.
  if (connect_failures == 1 || connect_failures % 20 == 0) {
    spdlog::warn("mqtt connect to {} failed ({}), attempt {}", nodes.describe(), why, connect_failures);
  }
  next_node();
  schedule_reconnect();
}

void Link::Impl::next_node() {
  if (nodes.size() < 2) return;
  nodes.advance();
  // debug: while every node is down this comes with every attempt; the warnings name the node.
  spdlog::debug("mqtt next broker node: {}", nodes.describe());
}

void Link::Impl::on_connected() {
  if (stopping || connected) return;
  connected = true;
  ++counters.connects;
  connect_failures = 0;
  backoff.reset();
  spdlog::info("mqtt connected to {} session={}", nodes.describe(), session.current());
  disable_nagle();
  // The birth ("online") goes out only while the command channel is subscribed, here or on its
  // SUBACK: an OMS that sends commands on seeing it would otherwise lose them at the broker when
  // the channel has no session there yet.
  while (!unsent_replies.empty()) {
    publish_control(topics.ack(), unsent_replies.front(), false);
    unsent_replies.pop_front();
  }
  if (command_channel->stats().subscribed) publish_birth();
  // Everything not acknowledged goes again, in seq order.
  pending.clear();
  inflight.clear();
  outbox.rewind();
  bucket.fill();
  paced = bucket.enabled();
  pump();
}

void Link::Impl::on_connection_lost(std::int64_t connection, const std::string& cause) {
  if (connection == connect_attempt && disconnect_pending) {
    // The connection died under our DISCONNECT: Paho may then never report the DISCONNECT's own
    // outcome, and waiting for it left the link offline for good (seen once in a broker-restart
    // test: no reconnect in 30 s).
    disconnect_done();
    return;
  }
  if (connection != connect_attempt || !connected) return;
  connected = false;
  pending.clear();
  inflight.clear();
  spdlog::warn("mqtt connection to {} lost: {}", nodes.describe(), cause.empty() ? "no cause given" : cause);
  next_node();
  schedule_reconnect();
}

void Link::Impl::restart_connection(const std::string& why) {
  if (!connected || stopping) return;
  spdlog::warn("mqtt reconnecting: {}", why);
  connected = false;
  pending.clear();
  inflight.clear();
  // Reconnect only once Paho has finished the DISCONNECT. A CONNECT issued while the DISCONNECT
  // was still queued in Paho raced with it: in one test run the new connection was refused by the
  // publish path ("Disconnected") and the broker dropped the next two as "malformed packet".
  auto& op = make_listener(&Impl::on_disconnect_result, OpTag{connect_attempt, 0});
  try {
    client->disconnect(nullptr, op);
  } catch (const std::exception&) {
    op.release();  // already disconnected: nothing to wait for
    schedule_reconnect();
    return;
  }
  disconnect_pending = true;
  // Backstop: should Paho report neither the DISCONNECT's outcome nor the lost connection, the
  // link reconnects anyway (with a new client; the old one and its DISCONNECT go with it).
  reconnect_timer.expires_after(kDisconnectBackstop);
  reconnect_timer.async_wait([weak = weak_from_this(), attempt = connect_attempt](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->connect_attempt != attempt || !self->disconnect_pending) return;
    spdlog::warn("mqtt DISCONNECT not finished after {} ms: reconnecting anyway", kDisconnectBackstop.count());
    self->disconnect_pending = false;
    self->attempt_connect();
  });
}

void Link::Impl::on_disconnect_result(OpTag tag, OpResult) {
  if (tag.connection != connect_attempt || connected || !disconnect_pending) return;
  disconnect_done();
}

void Link::Impl::disconnect_done() {
  disconnect_pending = false;
  schedule_reconnect();  // (re-arms the timer: the backstop is off)
}

void Link::Impl::pump() {
  if (!connected || stopping || pace_waiting) return;
  const auto window = static_cast<std::size_t>(options.inflight_window);
  while (connected && inflight.size() < window) {
    if (pending.empty()) {
      auto batch = outbox.next_batch(window);
      if (batch.empty()) {
        if (inflight.empty()) paced = false;  // backlog drained: replay pacing ends
        return;
      }
      pending.assign(std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
    }
    if (paced && !bucket.try_take()) {
      pace_waiting = true;
      pace_timer.expires_after(bucket.wait_time());
      pace_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        if (ec) return;
        if (auto self = weak.lock()) {
          self->pace_waiting = false;
          self->pump();
        }
      });
      return;
    }
    outbox::StoredEvent event = std::move(pending.front());
    pending.pop_front();
    publish_event(event);
  }
}

void Link::Impl::publish_event(const outbox::StoredEvent& event) {
  auto msg = ::mqtt::make_message(event.topic, with_session(event.payload, session.current()), 1, false);
  if (options.use_mqtt5()) {
    ::mqtt::properties props;
    props.add({::mqtt::property::USER_PROPERTY, "session", std::to_string(session.current())});
    msg->set_properties(std::move(props));
  }
  auto& op = make_listener(&Impl::on_publish_result, OpTag{connect_attempt, event.seq, event.created_unix_ms});
  try {
    inflight.insert(event.seq);
    client->publish(msg, nullptr, op);
    ++counters.published;
  } catch (const std::exception& e) {
    op.release();  // refused: Paho will never call back
    inflight.erase(event.seq);
    restart_connection(fmt::format("publish seq={} failed: {}", event.seq, e.what()));
  }
}

void Link::Impl::publish_control(const std::string& topic, const std::string& payload, bool retained) {
  if (!connected) return;  // status is republished on the next birth; replies are resent on the OMS's retry
  try {
    client->publish(::mqtt::make_message(topic, payload, 1, retained));
  } catch (const std::exception& e) {
    spdlog::warn("mqtt publish to {} failed: {}", topic, e.what());
  }
}

void Link::Impl::publish_birth() {
  publish_control(topics.status(), status_json(true, ""), true);
  for (const auto& [id, state] : devices) publish_device(id, state);
  for (const auto& id : std::exchange(forgotten_devices, {})) publish_control(topics.device_status(id), "", true);
}

void Link::Impl::publish_device(const std::string& id, const DeviceState& state) {
  json::object obj;
  obj["state"] = state.state;
  obj["reason"] = state.reason;
  json::array warnings;
  for (const auto& warning : state.warnings) warnings.emplace_back(warning);
  obj["warnings"] = std::move(warnings);
  obj["since"] = core::format_rfc3339_ms(state.since_unix_ms);
  obj["session"] = session.current();
  publish_control(topics.device_status(id), json::serialize(obj), true);
}

void Link::Impl::stop(std::chrono::milliseconds budget) { shutdown(budget); }

void Link::Impl::shutdown(std::chrono::milliseconds budget) {
  if (shut_down) return;
  shut_down = true;
  stopping = true;
  // Every wait below takes what is left of one deadline, so the whole stop stays within `budget`
  // however the broker behaves (gone, or accepting TCP but never answering).
  const auto deadline = std::chrono::steady_clock::now() + budget;
  const auto left = [deadline] {
    const auto rest = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return std::max(rest, std::chrono::milliseconds{0});
  };
  reconnect_timer.cancel();
  pace_timer.cancel();
  if (command_channel) command_channel->stop();
  // A command being committed finishes; queued ones are dropped unacknowledged, and the broker
  // sends them again on the next start.
  journal.stop();
  if (!client) return;
  try {
    if (connected) {
      // A clean DISCONNECT suppresses the Will, so say "offline" ourselves first. Half the budget at
      // most: the DISCONNECT that follows needs its share.
      auto tok = client->publish(::mqtt::make_message(topics.status(), status_json(false, "shutdown"), 1, true));
      tok->wait_for(left() / 2);
    }
  } catch (const std::exception& e) {
    spdlog::warn("mqtt offline status not sent: {}", e.what());
  }
  // Destroying the client while Paho still works on a CONNECT lets Paho's thread call into freed
  // memory (the token, the client). A DISCONNECT also ends a CONNECT in progress (its on_failure
  // runs); wait, bounded, for both before the client goes.
  try {
    if (client->is_connected() || connect_token) client->disconnect()->wait_for(left());
  } catch (const std::exception& e) {
    spdlog::debug("mqtt disconnect at shutdown: {}", e.what());
  }
  if (connect_token && !connect_token->wait_for(left())) {
    // The process is ending: the client is left to it rather than destroyed under Paho's thread.
    spdlog::warn("mqtt CONNECT still pending at shutdown after {} ms: the client is abandoned", budget.count());
    connect_token.reset();
    connected = false;
    (void)client.release();
    return;
  }
  connect_token.reset();
  connected = false;
  client.reset();
  listeners.release_unfinished();
}

Link::Link(asio::any_io_executor loop, LinkOptions options, outbox::Outbox& outbox, commands::CommandJournal& journal,
           InventoryProvider inventory) {
  if (auto problems = startup_problems(options); !problems.empty()) {
    std::string all;
    for (const auto& e : problems) all += (all.empty() ? "" : "; ") + e;
    throw std::runtime_error(all);
  }
  impl_ = std::make_shared<Impl>(std::move(loop), std::move(options), outbox, journal, std::move(inventory));
  if (!impl_->options.credentials_file.empty()) {
    auto loaded = load_credentials(impl_->options.credentials_file);
    if (!loaded) throw std::runtime_error(loaded.error().reason);  // changed since the check above
    impl_->credentials = std::move(*loaded);
  }
  impl_->make_command_channel();
}

Link::~Link() {
  if (!impl_) return;
  try {
    impl_->shutdown(std::chrono::seconds(1));
  } catch (const std::exception& e) {
    spdlog::warn("mqtt link teardown: {}", e.what());
  }
}

void Link::set_command_handler(CommandHandler handler) { impl_->command_handler = std::move(handler); }
void Link::start() { impl_->start(); }
void Link::set_ack_observer(std::function<void(std::int64_t)> observer) { impl_->ack_observer = std::move(observer); }
void Link::stop(std::chrono::milliseconds timeout) { impl_->stop(timeout); }

void Link::publish_device_status(const std::string& device_id, const std::string& state, const std::string& reason,
                                 const std::vector<std::string>& warnings) {
  auto& entry = impl_->devices[device_id];
  if (entry.state != state || entry.since_unix_ms == 0) entry.since_unix_ms = now_unix_ms();
  entry.state = state;
  entry.reason = reason;
  entry.warnings = warnings;
  impl_->publish_device(device_id, entry);
}

void Link::forget_device(const std::string& device_id) {
  impl_->devices.erase(device_id);
  if (!impl_->connected) {
    impl_->forgotten_devices.insert(device_id);
    return;
  }
  impl_->publish_control(impl_->topics.device_status(device_id), "", true);  // empty + retained: deleted
}

void Link::republish_status() { impl_->publish_control(impl_->topics.status(), impl_->status_json(true, ""), true); }

LinkStats Link::stats() const {
  LinkStats s = impl_->counters;
  s.connected = impl_->connected;
  s.session = impl_->session.current();
  s.inflight = static_cast<int>(impl_->inflight.size());
  s.broker_uri = impl_->nodes.current().uri;
  s.broker_index = static_cast<int>(impl_->nodes.index());
  const auto channel = impl_->command_channel->stats();
  s.commands_subscribed = channel.subscribed;
  s.commands_broker_uri = channel.node_uri;
  s.commands_broker_index = channel.node_index;
  return s;
}

std::function<std::string(const outbox::NewEvent&)> event_topic_of(Topics topics) {
  return [topics = std::move(topics)](const outbox::NewEvent& event) {
    return event.event_class == outbox::EventClass::telemetry ? topics.telemetry(event.station, event.type)
                                                              : topics.event(event.station, event.type);
  };
}

}  // namespace wedge::mqtt
