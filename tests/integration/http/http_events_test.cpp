// The /events stream over real TCP: snapshot first, then pushed updates for the subscribed topics
// only; slow clients are dropped without holding up the loop; stop() ends every stream.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>

#include "tests/support/http_client.hpp"
#include "tests/integration/http/server_fixture.hpp"
#include "tests/support/process.hpp"

namespace wedge::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

struct Event {
  std::string id;
  std::string kind;
  json::value envelope;
};

std::optional<Event> next_event(RawConnection& connection, std::chrono::milliseconds timeout = 5s) {
  while (true) {
    auto block = connection.read_until("\n\n", timeout);
    if (!block) return std::nullopt;
    Event event;
    std::size_t start = 0;
    bool has_data = false;
    while (start < block->size()) {
      const auto end = block->find('\n', start);
      const auto line = block->substr(start, end - start);
      start = end + 1;
      if (line.starts_with("id: ")) event.id = line.substr(4);
      else if (line.starts_with("event: ")) event.kind = line.substr(7);
      else if (line.starts_with("data: ")) {
        event.envelope = json::parse(line.substr(6));
        has_data = true;
      }
    }
    if (has_data) return event;  // skip "retry:" and keep-alive comments
  }
}

std::unique_ptr<RawConnection> open_stream(int port, const std::string& target,
                                           const std::string& headers = "") {
  auto connection = std::make_unique<RawConnection>(port);
  EXPECT_TRUE(connection->send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n"));
  auto head = connection->read_until("\r\n\r\n");
  EXPECT_TRUE(head && head->starts_with("HTTP/1.1 200")) << (head ? *head : "no reply");
  EXPECT_NE(head->find("Content-Type: text/event-stream"), std::string::npos);
  return connection;
}

TEST(HttpEvents, ANewClientGetsTheCurrentSnapshotsThenPushedUpdates) {
  ServerFixture server;
  auto stream = open_stream(server.port(), "/events?topics=status,station/S1");
  auto status = next_event(*stream);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->kind, "status");
  EXPECT_EQ(status->envelope.at("topic"), "status");
  EXPECT_EQ(status->envelope.at("data").at("gateway"), "gw1");
  auto station = next_event(*stream);
  ASSERT_TRUE(station);
  EXPECT_EQ(station->kind, "station");
  EXPECT_EQ(station->envelope.at("topic"), "station/S1");
  EXPECT_EQ(station->envelope.at("data").at("step"), "pick");

  // Updates for other stations are not sent to this client.
  server.publish("station/S2", json::object{{"id", "S2"}, {"step", "pack"}});
  server.publish("station/S1", json::object{{"id", "S1"}, {"last_scan", {{"result", "refused"},
                                                                         {"reason", "expired"}}}});
  auto update = next_event(*stream);
  ASSERT_TRUE(update);
  EXPECT_EQ(update->envelope.at("topic"), "station/S1");
  EXPECT_EQ(update->envelope.at("data").at("last_scan").at("reason"), "expired");
  EXPECT_GT(std::stoll(update->id), std::stoll(station->id));
}

TEST(HttpEvents, TheDefaultSubscriptionCoversEverything) {
  ServerFixture server;
  auto stream = open_stream(server.port(), "/events");
  std::vector<std::string> topics;
  for (int i = 0; i < 5; ++i) {
    auto event = next_event(*stream);
    ASSERT_TRUE(event);
    topics.push_back(std::string(event->envelope.at("topic").as_string()));
  }
  EXPECT_EQ(topics, (std::vector<std::string>{"status", "devices", "outbox", "station/S1", "station/S2"}));
  server.publish("outbox", json::object{{"depth", 7}});
  auto event = next_event(*stream);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->envelope.at("data").at("depth"), 7);
}

TEST(HttpEvents, AScanThroughTheApiIsPushedToTheStationsScreen) {
  ServerFixture server;
  server.on_loop([&] {
    server.gateway().on_scan_result = [&](const std::string& station, const json::value& result) {
      server.server().publish("station/" + station, json::object{{"id", station}, {"last_scan", result}});
    };
  });
  auto stream = open_stream(server.port(), "/events?topics=station/S1");
  ASSERT_TRUE(next_event(*stream));  // the snapshot
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(http_request(server.port(), "POST", "/api/v1/stations/S1/scan",
                         "Content-Type: application/json\r\n", R"({"code":"BAD"})").status, 409);
  auto event = next_event(*stream);
  ASSERT_TRUE(event);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 200ms);
  EXPECT_EQ(event->envelope.at("data").at("last_scan").at("result"), "refused");
  EXPECT_EQ(event->envelope.at("data").at("last_scan").at("reason"), "wrong item");
}

TEST(HttpEvents, BadSubscriptionsAndTooManyStreamsAreRefused) {
  auto options = ServerFixture::default_options();
  options.max_event_clients = 1;
  ServerFixture server(options);
  EXPECT_EQ(http_request(server.port(), "GET", "/events?topics=nonsense").status, 400);
  EXPECT_EQ(http_request(server.port(), "GET", "/events?topics=station/a%20b").status, 400);
  auto first = open_stream(server.port(), "/events?topics=status");
  ASSERT_TRUE(next_event(*first));
  auto second = http_request(server.port(), "GET", "/events?topics=status");
  EXPECT_EQ(second.status, 503);
  EXPECT_EQ(server.counters().streams_rejected, 1u);
}

TEST(HttpEvents, TheQueryTokenOpensTheStream) {
  auto options = ServerFixture::default_options();
  options.access_token = "stream-token-0123456789";
  ServerFixture server(options);
  EXPECT_EQ(http_request(server.port(), "GET", "/events").status, 401);
  auto stream = open_stream(server.port(), "/events?topics=status&token=stream-token-0123456789");
  EXPECT_TRUE(next_event(*stream));
}

TEST(HttpEvents, AClientThatStopsReadingIsDroppedAndOthersKeepGettingUpdates) {
  auto options = ServerFixture::default_options();
  options.max_queued_events = 4;
  ServerFixture server(options);
  auto stalled = open_stream(server.port(), "/events?topics=station/S1");
  auto reader = open_stream(server.port(), "/events?topics=status");
  ASSERT_TRUE(next_event(*reader));
  ASSERT_TRUE(wait_until([&] { return server.event_clients() == 2; }));
  // Frames far larger than the socket buffers: the stalled client's queue must overflow.
  const std::string filler(256 * 1024, 'x');
  bool dropped = false;
  for (int i = 0; i < 400 && !dropped; ++i) {
    server.publish("station/S1", json::object{{"id", "S1"}, {"filler", filler}});
    dropped = server.counters().open_streams == 1;
  }
  EXPECT_TRUE(dropped);
  server.publish("status", json::object{{"gateway", "still-here"}});
  auto event = next_event(*reader);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->envelope.at("data").at("gateway"), "still-here");
}

TEST(HttpEvents, PublishIfChangedSkipsRepeats) {
  ServerFixture server;
  auto stream = open_stream(server.port(), "/events?topics=outbox");
  ASSERT_TRUE(next_event(*stream));  // the snapshot
  for (int depth : {5, 5, 5, 6}) {
    server.on_loop([&] { server.server().publish_if_changed("outbox", json::object{{"depth", depth}}); });
  }
  auto first = next_event(*stream);
  auto second = next_event(*stream);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->envelope.at("data").at("depth"), 5);
  EXPECT_EQ(second->envelope.at("data").at("depth"), 6);
}

TEST(HttpEvents, IdleStreamsGetHeartbeatsAndClosedClientsAreForgotten) {
  auto options = ServerFixture::default_options();
  options.heartbeat_interval = 100ms;
  ServerFixture server(options);
  auto stream = open_stream(server.port(), "/events?topics=status");
  ASSERT_TRUE(next_event(*stream));
  EXPECT_TRUE(stream->read_until(": keep-alive\n\n", 3s));
  stream.reset();
  EXPECT_TRUE(wait_until([&] { return server.counters().open_streams == 0; }));
}

}  // namespace
}  // namespace wedge::test
