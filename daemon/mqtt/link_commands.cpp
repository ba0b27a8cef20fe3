// The command intake of the MQTT link: the command channel, validation and commit by the command
// journal on its thread, the PUBACK and the reply (link.hpp, "Downlink"). Link::Impl members (link_impl.hpp).
#include "daemon/mqtt/link_impl.hpp"

namespace wedge::mqtt {

namespace {

// Replies that could not be published wait for the next CONNACK; past this many the oldest goes.
constexpr std::size_t kMaxUnsentReplies = 1000;

}  // namespace

void Link::Impl::make_command_channel() {
  CommandChannelOptions o;
  o.nodes = options.broker_nodes();
  o.tls = options.use_tls();
  o.ca_file = options.ca_file;
  o.cert_file = options.cert_file;
  o.key_file = options.key_file;
  o.client_id = options.effective_client_id() + "-cmd";
  o.mqtt5 = options.use_mqtt5();
  o.keepalive_s = options.keepalive_s;
  o.session_expiry_s = options.session_expiry_s;
  o.connect_timeout_s = options.connect_timeout_s;
  o.reconnect_min_ms = options.reconnect_min_ms;
  o.reconnect_max_ms = options.reconnect_max_ms;
  o.filter = topics.command_filter();
  o.max_payload_bytes = options.max_command_bytes;
  o.credentials = credentials;
  std::weak_ptr<Impl> weak = weak_from_this();
  command_channel = std::make_unique<CommandChannel>(
      loop, std::move(o),
      [weak](InboundMessage message, CommandChannel::Ack ack) {
        if (auto self = weak.lock()) self->on_command_message(std::move(message), std::move(ack));
      },
      [weak](bool subscribed) {
        if (auto self = weak.lock()) self->on_command_channel_state(subscribed);
      });
}

// On the loop: hand the command to the journal, which parses and commits it on its thread; back on
// the loop the PUBACK goes out (ack), then the reply and the stations hear of it.
void Link::Impl::on_command_message(InboundMessage message, CommandChannel::Ack ack) {
  // The subscription is {base}/cmd/#, so every topic here is a command topic; on {base}/cmd itself
  // the type is "" and the command is rejected (type_mismatch or unknown_type) like any other.
  commands::IncomingCommand incoming{topics.command_type(message.topic), std::move(message.payload),
                                     message.payload_bytes, message.truncated};
  journal.async_submit(std::move(incoming), options.max_command_bytes,
                       [weak = weak_from_this(), ack = std::move(ack)](const commands::Reply& reply,
                                                                       std::optional<commands::Command> command) {
                         // Stored (or rejected for good, or a storage_error the reply asks the OMS to
                         // retry): either way this message is dealt with, and holding its PUBACK back
                         // would only stall the channel.
                         ack();
                         if (auto self = weak.lock()) self->on_command(reply, command);
                       });
}

void Link::Impl::on_command_channel_state(bool subscribed) {
  // Every SUBACK while the link is up is a birth: the OMS resends what it saw no reply for, and
  // whatever it sent while the channel had no session at the broker is not lost.
  if (subscribed && connected) publish_birth();
}

void Link::Impl::on_publish_result(OpTag tag, OpResult result) {
  // An MQTT 5 PUBACK with a reason >= 0x80 is a refusal, however Paho reports it: the event stays.
  const bool acked = result && *result < 0x80;
  if (tag.connection != connect_attempt) {
    // A PUBACK that arrived just before its connection ended still means the broker has the event;
    // a failure of an old connection means nothing: everything unacked was sent again since.
    if (acked) count_ack(tag);
    return;
  }
  if (acked) {
    inflight.erase(tag.seq);
    count_ack(tag);
    pump();
  } else {
    const auto failure = result ? PahoFailure{0, *result} : result.error();
    on_publish_failed(tag.seq, failure.rc, failure.reason_code);
  }
}

void Link::Impl::count_ack(const OpTag& tag) {
  outbox.ack(tag.seq);
  ++counters.acked;
  const auto now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  counters.publish_latency.observe(static_cast<double>(now_us - tag.created_unix_ms * 1000) / 1e6);
  if (ack_observer) ack_observer(tag.seq);
}

void Link::Impl::on_publish_failed(std::int64_t seq, int rc, int reason) {
  if (!inflight.erase(seq) || !connected) return;  // a failure of an earlier connection: resent already
  // The broker refused a publish (MQTT 5 reason >= 0x80) while the link is up. Sending the next events
  // would break seq order; start a new connection, which resends from the oldest unacked event.
  restart_connection(fmt::format("publish seq={} refused: {}", seq,
                                 reason >= 0x80 ? reason_code_words(reason) : paho_error_words(rc)));
}

void Link::Impl::on_command(const commands::Reply& reply, std::optional<commands::Command> command) {
  if (reply.accepted) {
    ++counters.commands_accepted;
    spdlog::info("command={} type={} accepted{}", reply.command_id, reply.type, reply.duplicate ? " (duplicate)" : "");
  } else {
    ++counters.commands_rejected;
    spdlog::warn("command={} type={} rejected code={}: {}", reply.command_id.empty() ? "-" : reply.command_id,
                 reply.type.empty() ? "-" : reply.type, commands::to_string(*reply.code), reply.reason);
  }
  std::string reply_text = commands::reply_json(reply, session.current(), now_unix_ms());
  if (connected) {
    publish_control(topics.ack(), reply_text, false);
  } else {
    if (unsent_replies.size() >= kMaxUnsentReplies) unsent_replies.pop_front();
    unsent_replies.push_back(std::move(reply_text));
  }
  if (!reply.accepted || reply.duplicate || !command) return;
  if (command->type == commands::CommandType::rebirth) {
    publish_birth();
    return;
  }
  if (command_handler) {
    try {
      command_handler(*command);
    } catch (const std::exception& e) {
      spdlog::error("command={} handler failed: {}", command->id, e.what());
    }
  }
}

}  // namespace wedge::mqtt
