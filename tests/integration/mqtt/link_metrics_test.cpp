// The link's own figures against a real mosquitto, in process: the publish latency histogram
// counts every PUBACK (count == acked, growing with them), events replayed after an outage land in
// the slow buckets, and the link's own connection to the broker has Nagle turned off. And how the
// link hears of new events: from the outbox's available handler alone, no poll (LinkDrain).
#include "daemon/mqtt/link.hpp"
#include "daemon/mqtt/topics.hpp"
#include "daemon/outbox/event_sink.hpp"
#include "daemon/outbox/outbox.hpp"
#include "tests/integration/mqtt/probe.hpp"
#include "tests/support/mosquitto.hpp"
#include "tests/support/process.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>

namespace wedge::test {
namespace {

using namespace std::chrono_literals;

// Outbox + link on an io_context that the test thread runs.
class Rig {
 public:
  Rig(const std::string& uri, const std::string& state_dir) {
    mqtt::LinkOptions options;
    options.broker_uri = uri;
    options.state_dir = state_dir;
    options.site = "site1";
    options.gateway = "gw1";
    options.reconnect_min_ms = 50;
    options.reconnect_max_ms = 200;
    options.connect_timeout_s = 2;
    outbox::Options o;
    o.db_path = state_dir + "/outbox.db";
    outbox_ = std::make_unique<outbox::Outbox>(io_.get_executor(), o);
    journal_ = std::make_unique<commands::CommandJournal>(io_.get_executor(), state_dir + "/commands.db");
    link_ = std::make_unique<mqtt::Link>(io_.get_executor(), options, *outbox_, *journal_, [] { return mqtt::Inventory{}; });
    link_->start();
  }
  ~Rig() {
    link_->stop(1s);
    outbox_->close();
    io_.poll();  // the outbox's last reports
  }
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  // Runs the loop until `done` holds; false on timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_one_for(10ms);
    }
    return true;
  }

  // Appends `n` events and runs the loop until all are committed.
  void append(int n) {
    int committed = 0;
    for (int i = 0; i < n; ++i) {
      outbox::NewEvent event;
      event.type = "pick.scan_accepted";
      event.station = "st1";
      event.topic = topics_.event(event.station, event.type);
      event.data_json = R"({"barcode":"0123456789012"})";
      outbox_->append(std::move(event), [&committed](const outbox::AppendResult& r) {
        EXPECT_TRUE(r) << r.reason();
        ++committed;
      });
    }
    ASSERT_TRUE(run_until([&] { return committed == n; }));
  }

  mqtt::LinkStats stats() const { return link_->stats(); }
  outbox::Outbox& outbox() { return *outbox_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
  mqtt::Topics topics_{"wedge/v1", "site1", "gw1"};
  std::unique_ptr<outbox::Outbox> outbox_;
  std::unique_ptr<commands::CommandJournal> journal_;
  std::unique_ptr<mqtt::Link> link_;
};

// The cumulative count of the bucket with upper bound `le`.
std::uint64_t bucket(const mqtt::LatencyHistogram& h, double le) {
  for (const auto& [bound, count] : h.cumulative()) {
    if (bound == le) return count;
  }
  ADD_FAILURE() << "no bucket le=" << le;
  return 0;
}

TEST(LinkMetrics, PublishLatencyCountsEveryPubackAndReplayedEventsLandHigh) {
  Mosquitto broker;
  TempDir state;
  Rig rig(broker.uri(), state.path());
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().connected; }));
  EXPECT_EQ(rig.stats().publish_latency.count(), 0u);

  rig.append(5);
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().acked >= 5; }));
  auto s = rig.stats();
  EXPECT_EQ(s.publish_latency.count(), static_cast<std::uint64_t>(s.acked));
  EXPECT_EQ(s.publish_latency.count(), 5u);
  // On loopback an event is acked well within 10 s, and the sum is that of five such values.
  EXPECT_EQ(bucket(s.publish_latency, 10), 5u);
  EXPECT_GT(s.publish_latency.sum_seconds(), 0.0);
  EXPECT_LT(s.publish_latency.sum_seconds(), 50.0);

  rig.append(7);
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().acked >= 12; }));
  s = rig.stats();
  EXPECT_EQ(s.publish_latency.count(), 12u);
  EXPECT_EQ(s.publish_latency.count(), static_cast<std::uint64_t>(s.acked));

  // An outage: three events wait in the outbox at least 300 ms, then go out on the reconnect.
  broker.stop();
  ASSERT_TRUE(rig.run_until([&] { return !rig.stats().connected; }));
  const auto outage_start = std::chrono::steady_clock::now();
  rig.append(3);
  // The outage's length is what this test measures: run the loop (the link retries) through it.
  rig.run_until([&] { return std::chrono::steady_clock::now() - outage_start >= 300ms; }, 1s);
  broker.start();
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().acked >= 15; }));
  s = rig.stats();
  EXPECT_EQ(s.publish_latency.count(), 15u);
  EXPECT_EQ(s.publish_latency.count(), static_cast<std::uint64_t>(s.acked));
  // The replayed three spent >= 0.3 s in the outbox: none of them is at or below 0.25 s.
  EXPECT_LE(bucket(s.publish_latency, 0.25), 12u);
  EXPECT_GE(s.publish_latency.sum_seconds(), 3 * 0.3);
}

// A producer appends through the EventSink and nothing else: the link publishes because the
// outbox's available handler told it about the commit (link.hpp, "Uplink").
TEST(LinkDrain, AnEventFromTheSinkIsPublishedOnTheOutboxHandler) {
  Mosquitto broker;
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-drain", "wedge/v1/site1/gw1/#");
  Rig rig(broker.uri(), state.path());
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().connected; }));
  outbox::OutboxSink sink(rig.outbox(), mqtt::event_topic_of(mqtt::Topics("wedge/v1", "site1", "gw1")));
  outbox::NewEvent event;
  event.type = "pick.item_picked";
  event.station = "st1";
  event.data_json = R"({"barcode":"0123456789012"})";
  std::optional<outbox::AppendResult> committed;
  sink.append(std::move(event), [&](const outbox::AppendResult& r) { committed = r; });
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().acked >= 1; }));
  ASSERT_TRUE(committed && *committed) << (committed ? committed->reason() : "no commit");
  const auto topic = "wedge/v1/site1/gw1/station/st1/event/pick.item_picked";
  ASSERT_TRUE(rig.run_until([&] {
    for (const auto& m : oms.messages())
      if (m.topic == topic) return true;
    return false;
  }));
}

// No poll: with the outbox's available handler taken away, a committed event is not published
// (the old link found it within 200 ms by polling); it waits, stored, and goes out on the next
// CONNACK's rewind, so nothing is lost.
TEST(LinkDrain, NothingButTheOutboxHandlerWakesTheLinkAndTheEventWaitsForTheReconnect) {
  Mosquitto broker;
  TempDir state;
  Rig rig(broker.uri(), state.path());
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().connected; }));
  rig.outbox().set_available_handler({});
  rig.append(1);
  EXPECT_FALSE(rig.run_until([&] { return rig.stats().published > 0; }, 1s)) << "published without the handler";
  EXPECT_EQ(rig.outbox().stats().depth, 1);

  broker.stop();
  ASSERT_TRUE(rig.run_until([&] { return !rig.stats().connected; }));
  broker.start();
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().acked >= 1; }));
  EXPECT_TRUE(rig.run_until([&] { return rig.outbox().stats().depth == 0; }));
}

// Whether the TCP connection from this process to 127.0.0.1:port has TCP_NODELAY set; nullopt if
// there is none.
std::optional<bool> nodelay_to(int port) {
  for (int fd = 0; fd < 4096; ++fd) {
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 || peer.sin_family != AF_INET) continue;
    if (ntohs(peer.sin_port) != port) continue;
    int value = 0;
    len = sizeof value;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len) != 0) continue;
    return value != 0;
  }
  return std::nullopt;
}

TEST(LinkMetrics, TheLinksBrokerConnectionHasNagleOff) {
  Mosquitto broker;
  TempDir state;
  Rig rig(broker.uri(), state.path());
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().connected; }));
  const auto nodelay = nodelay_to(broker.port());
  ASSERT_TRUE(nodelay.has_value()) << "no connection to the broker's port found";
  EXPECT_TRUE(*nodelay);
  // And again on the next connection, which is a new Paho client with a new socket.
  broker.stop();
  ASSERT_TRUE(rig.run_until([&] { return !rig.stats().connected; }));
  broker.start();
  ASSERT_TRUE(rig.run_until([&] { return rig.stats().connected; }));
  EXPECT_EQ(nodelay_to(broker.port()), std::optional<bool>(true));
}

}  // namespace
}  // namespace wedge::test
