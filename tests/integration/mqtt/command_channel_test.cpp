// The command channel against a real mosquitto: a command's PUBACK goes out only when the
// application acknowledges it, so a gateway that dies before its commit gets the command again;
// an oversized command is skipped unread and the stream goes on.
#include "daemon/mqtt/command_channel.hpp"
#include "tests/integration/mqtt/probe.hpp"
#include "tests/support/mosquitto.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

namespace wedge::test {
namespace {

using namespace std::chrono_literals;
using mqtt::CommandChannel;
using mqtt::InboundMessage;

constexpr const char* kCommands = "wedge/v1/site1/gw1/cmd/";
constexpr const char* kClientId = "wedge-site1-gw1-cmd";

// Runs the loop until `done` or `timeout`; true when done.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    io.restart();
    io.run_for(10ms);
  }
  return true;
}

bool has_payload(const std::vector<InboundMessage>& messages, const std::string& payload) {
  return std::any_of(messages.begin(), messages.end(), [&](const auto& m) { return m.payload == payload; });
}

// One gateway's channel, recording what it is handed; acks are held until the test calls them.
struct Gateway {
  boost::asio::io_context& io;
  std::vector<InboundMessage> messages;
  std::vector<CommandChannel::Ack> acks;
  bool subscribed = false;
  std::unique_ptr<CommandChannel> channel;

  Gateway(boost::asio::io_context& io_in, const Mosquitto& broker, std::size_t max_payload = 256 * 1024)
      : Gateway(io_in, std::vector<std::string>{broker.uri()}, max_payload) {}
  Gateway(boost::asio::io_context& io_in, std::vector<std::string> nodes, std::size_t max_payload = 256 * 1024)
      : io(io_in) {
    mqtt::CommandChannelOptions o;
    o.nodes = std::move(nodes);
    o.client_id = kClientId;
    o.filter = std::string(kCommands) + "#";
    o.max_payload_bytes = max_payload;
    o.reconnect_min_ms = 50;
    o.reconnect_max_ms = 200;
    channel = std::make_unique<CommandChannel>(
        io.get_executor(), o,
        [this](InboundMessage m, CommandChannel::Ack ack) {
          messages.push_back(std::move(m));
          acks.push_back(std::move(ack));
        },
        [this](bool up) { subscribed = up; });
    channel->start();
  }
};

TEST(CommandChannel, ACommandNotAcknowledgedBeforeTheGatewayDiesComesAgain) {
  MosquittoOptions logged;
  logged.log_packets = true;
  Mosquitto broker(logged);
  boost::asio::io_context io;
  Probe oms(broker.paho_uri(), "oms-channel", "unused/#");
  const auto pubacks = [&] { return broker.log_lines({"Received PUBACK from ", kClientId, " ("}); };
  {
    Gateway first(io, broker);
    ASSERT_TRUE(run_until(io, [&] { return first.subscribed; }, 10s));
    for (const char* id : {"c-1", "c-2", "c-3"}) oms.publish(std::string(kCommands) + "pick_list", id);
    ASSERT_TRUE(run_until(io, [&] { return first.messages.size() == 3; }, 10s));
    EXPECT_EQ(first.messages[0].payload, "c-1");
    EXPECT_FALSE(first.messages[0].duplicate);
    // Only c-1 is "committed"; the gateway dies before c-2 and c-3 are (its socket closes, no
    // DISCONNECT, as on SIGKILL) — once the broker has the PUBACK of c-1.
    first.acks[0]();
    ASSERT_TRUE(run_until(io, [&] { return first.channel->stats().acked == 1; }, 1s));
    ASSERT_TRUE(run_until(io, [&] { return pubacks() == 1; }, 10s));
  }
  {
    Gateway second(io, broker);
    ASSERT_TRUE(run_until(io, [&] { return second.messages.size() >= 2; }, 10s));
    // The broker sends what it still holds for the session on reconnect, before anything new: once
    // a command published now has arrived, nothing else is coming.
    oms.publish(std::string(kCommands) + "pick_list", "c-4");
    ASSERT_TRUE(run_until(io, [&] { return has_payload(second.messages, "c-4"); }, 10s));
    ASSERT_EQ(second.messages.size(), 3u) << "c-1 was acknowledged and must not come again";
    EXPECT_EQ(second.messages[0].payload, "c-2");
    EXPECT_EQ(second.messages[1].payload, "c-3");
    EXPECT_TRUE(second.messages[0].duplicate);
    EXPECT_FALSE(second.messages[2].duplicate);
    for (auto& ack : second.acks) ack();
    ASSERT_TRUE(run_until(io, [&] { return second.channel->stats().acked == 3; }, 1s));
    ASSERT_TRUE(run_until(io, [&] { return pubacks() == 4; }, 10s));
  }
  Gateway third(io, broker);
  ASSERT_TRUE(run_until(io, [&] { return third.subscribed; }, 10s));
  oms.publish(std::string(kCommands) + "pick_list", "c-5");
  ASSERT_TRUE(run_until(io, [&] { return has_payload(third.messages, "c-5"); }, 10s));
  EXPECT_EQ(third.messages.size(), 1u) << "all four before it were acknowledged";
}

TEST(CommandChannel, AnOversizedCommandIsSkippedUnreadAndTheNextArrivesWhole) {
  Mosquitto broker;
  boost::asio::io_context io;
  Probe oms(broker.paho_uri(), "oms-channel", "unused/#");
  Gateway gateway(io, broker, 1024);  // skipped when over 1,024 + 70,000 bytes
  ASSERT_TRUE(run_until(io, [&] { return gateway.subscribed; }, 10s));
  const std::string big(300'000, 'x');
  const std::string middle(5'000, 'y');  // over the limit but read: the handler rejects it
  oms.publish(std::string(kCommands) + "pick_list", big);
  oms.publish(std::string(kCommands) + "order.cancel", middle);
  oms.publish(std::string(kCommands) + "order.hold", R"({"id":"c-9"})");
  ASSERT_TRUE(run_until(io, [&] { return gateway.messages.size() == 3; }, 10s));
  EXPECT_TRUE(gateway.messages[0].truncated);
  EXPECT_EQ(gateway.messages[0].payload, "");
  EXPECT_EQ(gateway.messages[0].payload_bytes, big.size());
  EXPECT_EQ(gateway.messages[0].topic, std::string(kCommands) + "pick_list");
  EXPECT_FALSE(gateway.messages[1].truncated);
  EXPECT_EQ(gateway.messages[1].payload, middle);
  EXPECT_EQ(gateway.messages[2].payload, R"({"id":"c-9"})");
  for (auto& ack : gateway.acks) ack();
  ASSERT_TRUE(run_until(io, [&] { return gateway.channel->stats().acked == 3; }, 1s));
  EXPECT_TRUE(gateway.subscribed);
}

TEST(CommandChannel, ABrokerRestartIsFollowedByANewSubscription) {
  Mosquitto broker;
  boost::asio::io_context io;
  Gateway gateway(io, broker);
  ASSERT_TRUE(run_until(io, [&] { return gateway.subscribed; }, 10s));
  broker.stop();
  ASSERT_TRUE(run_until(io, [&] { return !gateway.subscribed; }, 10s));
  broker.start();
  ASSERT_TRUE(run_until(io, [&] { return gateway.subscribed; }, 10s));
  // The new subscription works: a command published now arrives.
  Probe oms(broker.paho_uri(), "oms-channel", "unused/#");
  oms.publish(std::string(kCommands) + "rebirth", "{}");
  ASSERT_TRUE(run_until(io, [&] { return gateway.messages.size() == 1; }, 10s));
  EXPECT_GE(gateway.channel->stats().connects, 2);
}

// broker.uris: the channel starts on the first node and, when that one goes, subscribes on the
// next; commands published there arrive, and the stats name the node. Fails without failover: the
// channel retried the first node only.
TEST(CommandChannel, WhenItsNodeGoesTheChannelSubscribesOnTheNext) {
  Mosquitto first;
  Mosquitto second;
  boost::asio::io_context io;
  Gateway gateway(io, std::vector<std::string>{first.uri(), second.uri()});
  ASSERT_TRUE(run_until(io, [&] { return gateway.subscribed; }, 10s));
  EXPECT_EQ(gateway.channel->stats().node_index, 0);
  EXPECT_EQ(gateway.channel->stats().node_uri, first.uri());
  first.stop();
  ASSERT_TRUE(run_until(io, [&] { return !gateway.subscribed; }, 10s));
  ASSERT_TRUE(run_until(io, [&] { return gateway.subscribed; }, 10s));
  EXPECT_EQ(gateway.channel->stats().node_index, 1);
  EXPECT_EQ(gateway.channel->stats().node_uri, second.uri());
  Probe oms(second.paho_uri(), "oms-channel", "unused/#");
  oms.publish(std::string(kCommands) + "rebirth", "{}");
  ASSERT_TRUE(run_until(io, [&] { return gateway.messages.size() == 1; }, 10s));
}

}  // namespace
}  // namespace wedge::test
