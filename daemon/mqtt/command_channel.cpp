#include "daemon/mqtt/command_channel.hpp"

#include "daemon/mqtt/broker_nodes.hpp"
#include "daemon/mqtt/refusal_reason.hpp"
#include "daemon/mqtt/wire.hpp"
#include "drivers/common/backoff.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <array>
#include <deque>
#include <stdexcept>

namespace wedge::mqtt {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Room for what precedes the payload of a PUBLISH: topic (at most 2 + 65,535 bytes), packet id and
// the start of the MQTT 5 properties. A body larger than the command limit plus this is skipped.
constexpr std::size_t kHeadroom = 70'000;
constexpr std::uint16_t kSubscribeId = 1;

enum class Phase { idle, connecting, awaiting_connack, awaiting_suback, subscribed };

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// One TCP (or TLS) connection and what only it owns. Handlers hold it by shared_ptr, so the socket
// and its buffers outlive every operation started on them, also after the channel moved on.
struct Connection {
  std::int64_t number = 0;
  std::unique_ptr<tcp::socket> plain;
  std::unique_ptr<asio::ssl::stream<tcp::socket>> secure;
  std::array<char, 16 * 1024> chunk{};
  std::string rx;             // received, not yet parsed
  std::size_t discard = 0;    // bytes of an oversized PUBLISH still to skip
  std::deque<std::string> tx;  // packets to write; the front one is being written
  bool writing = false;

  tcp::socket& socket() { return secure ? secure->next_layer() : *plain; }
  template <class Handler>
  void read_some(Handler&& handler) {
    if (secure) secure->async_read_some(asio::buffer(chunk), std::forward<Handler>(handler));
    else plain->async_read_some(asio::buffer(chunk), std::forward<Handler>(handler));
  }
  template <class Handler>
  void write_front(Handler&& handler) {
    if (secure) asio::async_write(*secure, asio::buffer(tx.front()), std::forward<Handler>(handler));
    else asio::async_write(*plain, asio::buffer(tx.front()), std::forward<Handler>(handler));
  }
  void close() {
    boost::system::error_code ignored;
    socket().close(ignored);
  }
};

}  // namespace

struct CommandChannel::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor loop_in, CommandChannelOptions options_in, MessageHandler on_message_in,
       StateHandler on_state_in)
      : loop(std::move(loop_in)),
        options(std::move(options_in)),
        on_message(std::move(on_message_in)),
        on_state(std::move(on_state_in)),
        nodes(options.nodes),
        resolver(loop),
        connect_timer(loop),
        ping_timer(loop),
        retry_timer(loop),
        backoff(std::chrono::milliseconds(options.reconnect_min_ms), std::chrono::milliseconds(options.reconnect_max_ms)) {}

  asio::any_io_executor loop;
  CommandChannelOptions options;
  MessageHandler on_message;
  StateHandler on_state;
  BrokerNodes nodes;
  std::optional<asio::ssl::context> tls;
  tcp::resolver resolver;
  asio::steady_timer connect_timer;
  asio::steady_timer ping_timer;
  asio::steady_timer retry_timer;
  drivers::Backoff backoff;
  std::shared_ptr<Connection> current;
  std::int64_t connection_count = 0;
  Phase phase = Phase::idle;
  bool started = false;
  bool stopped = false;
  int failures = 0;
  std::chrono::steady_clock::time_point last_rx;
  CommandChannelStats counters;

  std::string peer() const { return nodes.describe(); }
  void load_tls();
  void connect();
  void on_tcp_connected(const std::shared_ptr<Connection>& c);
  void on_transport_ready(const std::shared_ptr<Connection>& c);
  void read(const std::shared_ptr<Connection>& c);
  bool process(const std::shared_ptr<Connection>& c);
  bool handle(const std::shared_ptr<Connection>& c, const wire::FixedHeader& header, std::string_view body);
  void deliver(const std::shared_ptr<Connection>& c, InboundMessage message, int qos, std::uint16_t packet_id);
  void send(const std::shared_ptr<Connection>& c, std::string packet);
  void write_next(const std::shared_ptr<Connection>& c);
  void arm_ping(const std::shared_ptr<Connection>& c);
  void fail(const std::shared_ptr<Connection>& c, const std::string& why);
  void stop();
};

void CommandChannel::Impl::load_tls() {
  if (!options.tls) return;
  tls.emplace(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
  try {
    if (options.ca_file.empty()) tls->set_default_verify_paths();
    else tls->load_verify_file(options.ca_file);
    if (!options.cert_file.empty()) {
      tls->use_certificate_chain_file(options.cert_file);
      tls->use_private_key_file(options.key_file, asio::ssl::context::pem);
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(fmt::format("mqtt command channel: TLS files could not be loaded: {}", e.what()));
  }
  tls->set_verify_mode(asio::ssl::verify_peer);
}

void CommandChannel::Impl::connect() {
  if (stopped) return;
  const BrokerUri& node = nodes.current().address;
  auto c = std::make_shared<Connection>();
  c->number = ++connection_count;
  if (tls) {
    c->secure = std::make_unique<asio::ssl::stream<tcp::socket>>(loop, *tls);
    c->secure->set_verify_callback(asio::ssl::host_name_verification(node.host));
    // SNI carries a host name, never an address (RFC 6066).
    // (SSL_set_tlsext_host_name() spelled out: the macro's C cast fails -Wold-style-cast.)
    if (!is_ip_literal(node.host)) {
      std::string sni = node.host;  // OpenSSL copies it
      SSL_ctrl(c->secure->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               static_cast<void*>(sni.data()));
    }
  } else {
    c->plain = std::make_unique<tcp::socket>(loop);
  }
  current = c;
  phase = Phase::connecting;
  connect_timer.expires_after(std::chrono::seconds(options.connect_timeout_s));
  connect_timer.async_wait([weak = weak_from_this(), c](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->current != c || self->phase == Phase::subscribed) return;
    self->fail(c, fmt::format("not subscribed within {} s", self->options.connect_timeout_s));
  });
  resolver.async_resolve(node.host, std::to_string(node.port),
                         [weak = weak_from_this(), c](boost::system::error_code ec, tcp::resolver::results_type results) {
                           auto self = weak.lock();
                           if (!self || self->current != c) return;
                           if (ec) return self->fail(c, fmt::format("resolve: {}", ec.message()));
                           asio::async_connect(c->socket(), results,
                                               [weak, c](boost::system::error_code ec2, const tcp::endpoint&) {
                                                 auto self2 = weak.lock();
                                                 if (!self2 || self2->current != c) return;
                                                 if (ec2) return self2->fail(c, fmt::format("connect: {}", ec2.message()));
                                                 self2->on_tcp_connected(c);
                                               });
                         });
}

void CommandChannel::Impl::on_tcp_connected(const std::shared_ptr<Connection>& c) {
  boost::system::error_code ignored;
  c->socket().set_option(tcp::no_delay(true), ignored);  // PUBACKs go out at once (broker_socket.hpp: why)
  if (!c->secure) return on_transport_ready(c);
  c->secure->async_handshake(asio::ssl::stream_base::client, [weak = weak_from_this(), c](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || self->current != c) return;
    if (ec) return self->fail(c, tls_failure(ec.message(), SSL_get_verify_result(c->secure->native_handle())));
    self->on_transport_ready(c);
  });
}

void CommandChannel::Impl::on_transport_ready(const std::shared_ptr<Connection>& c) {
  wire::ConnectFields fields;
  fields.mqtt5 = options.mqtt5;
  fields.client_id = options.client_id;
  fields.keepalive_s = static_cast<std::uint16_t>(options.keepalive_s);
  fields.clean_start = false;
  fields.session_expiry_s = static_cast<std::uint32_t>(options.session_expiry_s);
  fields.receive_maximum = options.receive_maximum;
  if (options.credentials) {
    fields.username = options.credentials->username;
    if (!options.credentials->password.empty()) fields.password = options.credentials->password;
  }
  phase = Phase::awaiting_connack;
  last_rx = std::chrono::steady_clock::now();
  send(c, wire::encode_connect(fields));
  read(c);
}

void CommandChannel::Impl::read(const std::shared_ptr<Connection>& c) {
  c->read_some([weak = weak_from_this(), c](boost::system::error_code ec, std::size_t n) {
    auto self = weak.lock();
    if (!self || self->current != c) return;
    if (ec) return self->fail(c, ec == asio::error::eof ? "closed by the broker" : fmt::format("read: {}", ec.message()));
    self->last_rx = std::chrono::steady_clock::now();
    c->rx.append(c->chunk.data(), n);
    if (self->process(c)) self->read(c);
  });
}

// Parses every complete packet in c->rx. False when the connection was given up.
bool CommandChannel::Impl::process(const std::shared_ptr<Connection>& c) {
  while (true) {
    if (c->discard > 0) {
      const std::size_t n = std::min(c->discard, c->rx.size());
      c->rx.erase(0, n);
      c->discard -= n;
      if (c->discard > 0) return true;
    }
    wire::FixedHeader header;
    const auto status = wire::decode_fixed_header(c->rx, header);
    if (status == wire::Decode::need_more) return true;
    if (status == wire::Decode::malformed) {
      fail(c, "malformed packet length");
      return false;
    }
    const std::size_t total = header.size + header.remaining_length;
    if (header.remaining_length > options.max_payload_bytes + kHeadroom) {
      if (header.type() != wire::PacketType::publish) {
        fail(c, fmt::format("packet type {} of {} bytes", static_cast<int>(header.type()), header.remaining_length));
        return false;
      }
      // An oversized command: name it from its first bytes and skip the rest unread. MQTT 5
      // properties longer than the headroom are not skipped but counted as payload in the size.
      wire::PublishHead head;
      const std::string_view prefix = std::string_view(c->rx).substr(header.size, kHeadroom);
      auto d = wire::decode_publish_head(header.flags(), prefix, options.mqtt5, head);
      if (d == wire::Decode::need_more && options.mqtt5 && prefix.size() >= kHeadroom)
        d = wire::decode_publish_head(header.flags(), prefix, false, head);
      if (d == wire::Decode::need_more) return true;  // the topic (< kHeadroom) is still coming
      if (d == wire::Decode::malformed || head.qos == 2) {
        fail(c, "malformed PUBLISH");
        return false;
      }
      InboundMessage message{head.topic, "", header.remaining_length - head.payload_offset, true, head.dup};
      const std::size_t have = std::min(total, c->rx.size());
      c->rx.erase(0, have);
      c->discard = total - have;
      deliver(c, std::move(message), head.qos, head.packet_id);
      if (current != c) return false;
      continue;
    }
    if (c->rx.size() < total) return true;
    const std::string packet = c->rx.substr(0, total);
    c->rx.erase(0, total);
    if (!handle(c, header, std::string_view(packet).substr(header.size))) return false;
  }
}

bool CommandChannel::Impl::handle(const std::shared_ptr<Connection>& c, const wire::FixedHeader& header,
                                  std::string_view body) {
  switch (header.type()) {
    case wire::PacketType::connack: {
      const auto ack = wire::decode_connack(body, options.mqtt5);
      if (!ack || phase != Phase::awaiting_connack) {
        fail(c, "unexpected or malformed CONNACK");
        return false;
      }
      if (ack->code != 0) {
        fail(c, "CONNACK refused the connection: " + connack_refusal(ack->code, options.mqtt5));
        return false;
      }
      ++counters.connects;
      phase = Phase::awaiting_suback;
      send(c, wire::encode_subscribe(options.mqtt5, kSubscribeId, options.filter, 1));
      arm_ping(c);
      return true;
    }
    case wire::PacketType::suback: {
      const auto ack = wire::decode_suback(body, options.mqtt5);
      if (!ack || ack->packet_id != kSubscribeId || phase != Phase::awaiting_suback) {
        fail(c, "unexpected or malformed SUBACK");
        return false;
      }
      if (ack->codes.front() >= 0x80) {
        fail(c, fmt::format("SUBACK refused {}: {}", options.filter, suback_refusal(ack->codes.front(), options.mqtt5)));
        return false;
      }
      phase = Phase::subscribed;
      connect_timer.cancel();
      backoff.reset();
      failures = 0;
      spdlog::info("mqtt subscribed to {} (command channel {} on {})", options.filter, options.client_id, peer());
      if (on_state) on_state(true);
      return current == c;
    }
    case wire::PacketType::publish: {
      wire::PublishHead head;
      const auto d = wire::decode_publish_head(header.flags(), body, options.mqtt5, head);
      // A broker may send queued commands between CONNACK and SUBACK; never before the CONNACK.
      // We subscribe at QoS 1, so QoS 2 is a protocol error.
      if (d != wire::Decode::ok || head.qos == 2 || phase < Phase::awaiting_suback) {
        fail(c, "malformed or unexpected PUBLISH");
        return false;
      }
      InboundMessage message{head.topic, std::string(body.substr(head.payload_offset)),
                             body.size() - head.payload_offset, false, head.dup};
      deliver(c, std::move(message), head.qos, head.packet_id);
      return current == c;
    }
    case wire::PacketType::pingresp:
      return true;
    case wire::PacketType::disconnect: {
      const auto reason = wire::decode_disconnect(body);
      fail(c, "broker sent DISCONNECT: " + reason_code_words(reason.value_or(0)));
      return false;
    }
    default:
      fail(c, fmt::format("unexpected packet type {}", static_cast<int>(header.type())));
      return false;
  }
}

void CommandChannel::Impl::deliver(const std::shared_ptr<Connection>& c, InboundMessage message, int qos,
                                   std::uint16_t packet_id) {
  ++counters.received;
  Ack ack = [weak = weak_from_this(), c, qos, packet_id] {
    auto self = weak.lock();
    if (qos == 0 || !self || self->current != c) return;  // gone: the broker sends it again
    ++self->counters.acked;
    self->send(c, wire::encode_puback(packet_id));
  };
  if (!on_message) return ack();
  try {
    on_message(std::move(message), std::move(ack));
  } catch (const std::exception& e) {
    spdlog::error("mqtt command channel: message handler failed: {}", e.what());
  }
}

void CommandChannel::Impl::send(const std::shared_ptr<Connection>& c, std::string packet) {
  c->tx.push_back(std::move(packet));
  if (!c->writing) write_next(c);
}

void CommandChannel::Impl::write_next(const std::shared_ptr<Connection>& c) {
  c->writing = true;
  c->write_front([weak = weak_from_this(), c](boost::system::error_code ec, std::size_t) {
    c->writing = false;
    auto self = weak.lock();
    if (!self || self->current != c) return;
    if (ec) return self->fail(c, fmt::format("write: {}", ec.message()));
    c->tx.pop_front();
    if (!c->tx.empty()) self->write_next(c);
  });
}

void CommandChannel::Impl::arm_ping(const std::shared_ptr<Connection>& c) {
  const auto interval = std::chrono::milliseconds(options.keepalive_s * 1000 / 2);
  ping_timer.expires_after(interval);
  ping_timer.async_wait([weak = weak_from_this(), c](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->current != c) return;
    const auto silent = std::chrono::steady_clock::now() - self->last_rx;
    if (silent > std::chrono::milliseconds(self->options.keepalive_s * 1500)) {
      return self->fail(c, fmt::format("no packet from the broker for {} s",
                                       std::chrono::duration_cast<std::chrono::seconds>(silent).count()));
    }
    self->send(c, wire::encode_pingreq());
    self->arm_ping(c);
  });
}

void CommandChannel::Impl::fail(const std::shared_ptr<Connection>& c, const std::string& why) {
  if (current != c || stopped) return;
  const bool was_subscribed = phase == Phase::subscribed;
  c->close();
  current.reset();
  phase = Phase::idle;
  connect_timer.cancel();
  ping_timer.cancel();
  ++failures;
  if (was_subscribed) {
    spdlog::warn("mqtt command channel to {} lost: {}", peer(), why);
  } else if (failures == 1 || failures % 20 == 0) {
    spdlog::warn("mqtt command channel to {} failed ({}), attempt {}", peer(), why, failures);
  }
  if (was_subscribed && on_state) on_state(false);
  if (stopped) return;
  if (nodes.size() > 1) {
    nodes.advance();
    spdlog::debug("mqtt command channel: next broker node: {}", peer());
  }
  retry_timer.expires_after(backoff.next());
  retry_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->connect();
  });
}

void CommandChannel::Impl::stop() {
  if (stopped) return;
  stopped = true;
  connect_timer.cancel();
  ping_timer.cancel();
  retry_timer.cancel();
  resolver.cancel();
  if (current) current->close();
  current.reset();
  phase = Phase::idle;
}

CommandChannel::CommandChannel(asio::any_io_executor loop, CommandChannelOptions options, MessageHandler on_message,
                               StateHandler on_state)
    : impl_(std::make_shared<Impl>(std::move(loop), std::move(options), std::move(on_message), std::move(on_state))) {
  impl_->load_tls();
}

CommandChannel::~CommandChannel() { impl_->stop(); }

void CommandChannel::start() {
  if (impl_->started) return;
  impl_->started = true;
  impl_->connect();
}

void CommandChannel::stop() { impl_->stop(); }

CommandChannelStats CommandChannel::stats() const {
  CommandChannelStats s = impl_->counters;
  s.subscribed = impl_->phase == Phase::subscribed;
  s.node_uri = impl_->nodes.current().uri;
  s.node_index = static_cast<int>(impl_->nodes.index());
  return s;
}

}  // namespace wedge::mqtt
