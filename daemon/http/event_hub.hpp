// EventHub: fans published updates out to the open /events streams (server-sent events).
//
// publish(topic, json) formats one SSE frame
//     id: <n>\nevent: <kind>\ndata: {"topic":"station/S1","data":{…}}\n\n
// (kind = the topic up to its first '/': status, devices, outbox, station) and hands the same frame
// to every sink subscribed to the topic. A sink that cannot take it (its bounded queue is full: a
// slow or stalled client) closes itself and is forgotten — publishing never waits for a client.
// snapshot_frames() builds the frames a new client gets first, from the GatewayView's current
// answers, so a page is complete as soon as it connects.
//
// Threading: loop thread only.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/http/gateway_view.hpp"

namespace wedge::http {

using Frame = std::shared_ptr<const std::string>;

// One client stream as the hub sees it (EventStream over TCP; fakes in tests).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual bool wants(std::string_view topic) const = 0;
  // Queues the frame; false when the sink is full or closed (it then closes itself).
  virtual bool push(const Frame& frame) = 0;
  virtual void close() = 0;
};

// True when `topic` ("station/S1") is covered by `subscription` ("station/S1" or "station/*").
bool topic_matches(std::string_view subscription, std::string_view topic);

class EventHub {
 public:
  explicit EventHub(const GatewayView& view) : view_(view) {}

  void add(const std::shared_ptr<EventSink>& sink);
  void publish(std::string_view topic, const boost::json::value& data);
  // As publish(), but `build` runs only when a stream wants the topic, and then once: a station's
  // screen JSON changes with every scan, and most of the time no screen is open.
  void publish_with(std::string_view topic, const std::function<boost::json::value()>& build);
  std::vector<Frame> snapshot_frames(const std::vector<std::string>& topics);
  // Closes every stream (server stop).
  void close_all();

  std::size_t clients();
  std::uint64_t published() const { return published_; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  Frame format(std::string_view topic, const boost::json::value& data);
  // The frame `make()` returns, made at most once, to every sink that wants `topic`.
  template <class MakeFrame>
  void fan_out(std::string_view topic, const MakeFrame& make);

  const GatewayView& view_;
  std::vector<std::weak_ptr<EventSink>> sinks_;
  std::uint64_t next_id_ = 1;
  std::uint64_t published_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace wedge::http
