// outbox::EventSink: the one door through which everything that happens on the gateway (station
// workflow events, gateway-level events, station telemetry) goes to the OMS. Producers depend on
// this interface only, never on the MQTT link: the uplink runs one way, producer → outbox → link
// (docs/architecture.md, "The uplink").
//
// Contract
// - append(event, done): `event` names what happened (class, station — empty for a gateway-level
//   event —, order, type, data); the sink gives it its topic and hands it to the outbox. `done`
//   (may be empty) runs on the loop exactly once, after the outbox committed the event (it carries
//   seq and id) or refused it (buffer full, storage error, shutting down). A producer tells a
//   person "accepted" only from inside `done`.
// - Publishing is not the producer's business: the MQTT link learns of the commit from the
//   outbox's available handler and publishes on its own.
//
// Threading: loop thread only; `done` runs on the loop.
#pragma once

#include <functional>
#include <string>

#include "daemon/outbox/outbox.hpp"

namespace wedge::outbox {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // See the contract above. `event.topic` is ignored: the sink names the topic.
  virtual void append(NewEvent event, Outbox::AppendHandler done) = 0;
};

// The EventSink of the daemon: names the topic with `topic_of` and appends to `outbox`.
class OutboxSink final : public EventSink {
 public:
  using TopicOf = std::function<std::string(const NewEvent&)>;

  // `outbox` must outlive the sink.
  OutboxSink(Outbox& outbox, TopicOf topic_of) : outbox_(outbox), topic_of_(std::move(topic_of)) {}

  void append(NewEvent event, Outbox::AppendHandler done) override {
    event.topic = topic_of_(event);
    outbox_.append(std::move(event), std::move(done));
  }

 private:
  Outbox& outbox_;
  TopicOf topic_of_;
};

}  // namespace wedge::outbox
