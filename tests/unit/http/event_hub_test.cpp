#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "daemon/http/event_hub.hpp"

namespace wedge::http {
namespace {

namespace json = boost::json;

struct FakeSink : EventSink {
  std::vector<std::string> topics;
  std::size_t capacity = 100;
  std::vector<std::string> frames;
  bool closed = false;

  bool wants(std::string_view topic) const override {
    for (const auto& t : topics)
      if (topic_matches(t, topic)) return true;
    return false;
  }
  bool push(const Frame& frame) override {
    if (frames.size() >= capacity) {
      close();
      return false;
    }
    frames.push_back(*frame);
    return true;
  }
  void close() override { closed = true; }
};

TEST(TopicMatches, ExactOrStationWildcard) {
  EXPECT_TRUE(topic_matches("status", "status"));
  EXPECT_TRUE(topic_matches("station/*", "station/S1"));
  EXPECT_TRUE(topic_matches("station/S1", "station/S1"));
  EXPECT_FALSE(topic_matches("station/S1", "station/S10"));
  EXPECT_FALSE(topic_matches("station/*", "station/"));
  EXPECT_FALSE(topic_matches("station/*", "status"));
}

TEST(EventHub, FormatsOneSseFramePerUpdateForSubscribersOnly) {
  GatewayView view;
  EventHub hub(view);
  auto s1 = std::make_shared<FakeSink>();
  s1->topics = {"station/S1"};
  auto all = std::make_shared<FakeSink>();
  all->topics = {"status", "station/*"};
  hub.add(s1);
  hub.add(all);
  hub.publish("station/S1", json::object{{"id", "S1"}, {"note", "line\nbreak"}});
  hub.publish("status", json::object{{"ok", true}});
  ASSERT_EQ(s1->frames.size(), 1u);
  EXPECT_EQ(s1->frames[0],
            "id: 1\nevent: station\ndata: {\"topic\":\"station/S1\",\"data\":{\"id\":\"S1\",\"note\":"
            "\"line\\nbreak\"}}\n\n");
  ASSERT_EQ(all->frames.size(), 2u);
  EXPECT_EQ(all->frames[1], "id: 2\nevent: status\ndata: {\"topic\":\"status\",\"data\":{\"ok\":true}}\n\n");
  EXPECT_EQ(hub.published(), 2u);
}

TEST(EventHub, PublishWithBuildsTheDataOnlyWhenAStreamWantsItAndOnce) {
  GatewayView view;
  EventHub hub(view);
  int builds = 0;
  auto build = [&builds] {
    ++builds;
    return json::value(json::object{{"id", "S1"}});
  };
  hub.publish_with("station/S1", build);  // no stream at all
  auto other = std::make_shared<FakeSink>();
  other->topics = {"status"};
  hub.add(other);
  hub.publish_with("station/S1", build);  // a stream, but not for this topic
  EXPECT_EQ(builds, 0);
  auto s1 = std::make_shared<FakeSink>();
  s1->topics = {"station/S1"};
  auto all = std::make_shared<FakeSink>();
  all->topics = {"station/*"};
  hub.add(s1);
  hub.add(all);
  hub.publish_with("station/S1", build);
  EXPECT_EQ(builds, 1);
  ASSERT_EQ(s1->frames.size(), 1u);
  ASSERT_EQ(all->frames.size(), 1u);
  EXPECT_EQ(s1->frames[0], all->frames[0]);
  EXPECT_NE(s1->frames[0].find("\"data\":{\"id\":\"S1\"}"), std::string::npos);
  EXPECT_TRUE(other->frames.empty());
  EXPECT_EQ(hub.published(), 3u);  // every update counts, listened to or not
}

TEST(EventHub, ASinkThatCannotKeepUpIsDroppedAndForgotten) {
  GatewayView view;
  EventHub hub(view);
  auto slow = std::make_shared<FakeSink>();
  slow->topics = {"status"};
  slow->capacity = 2;
  hub.add(slow);
  for (int i = 0; i < 5; ++i) hub.publish("status", json::object{{"i", i}});
  EXPECT_TRUE(slow->closed);
  EXPECT_EQ(slow->frames.size(), 2u);
  EXPECT_EQ(hub.dropped(), 1u);
  EXPECT_EQ(hub.clients(), 0u);
}

TEST(EventHub, SnapshotFramesComeFromTheView) {
  GatewayView view;
  view.status = [] { return json::value(json::object{{"gateway", "gw"}}); };
  view.stations = [] { return json::parse(R"([{"id":"A"},{"id":"B"},{"no_id":1}])"); };
  view.station = [](const std::string& id) -> std::optional<json::value> {
    if (id == "A") return json::object{{"id", "A"}};
    return std::nullopt;
  };
  EventHub hub(view);
  auto frames = hub.snapshot_frames({"status", "station/*", "station/A", "station/Z", "outbox"});
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_NE(frames[0]->find("\"topic\":\"status\""), std::string::npos);
  EXPECT_NE(frames[1]->find("\"topic\":\"station/A\""), std::string::npos);
  EXPECT_NE(frames[2]->find("\"topic\":\"station/B\""), std::string::npos);
  EXPECT_NE(frames[3]->find("\"topic\":\"station/A\""), std::string::npos);
}

TEST(EventHub, CloseAllClosesEveryStream) {
  GatewayView view;
  EventHub hub(view);
  auto a = std::make_shared<FakeSink>();
  hub.add(a);
  hub.close_all();
  EXPECT_TRUE(a->closed);
  EXPECT_EQ(hub.clients(), 0u);
}

}  // namespace
}  // namespace wedge::http
