#include "daemon/http/event_hub.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace wedge::http {

namespace json = boost::json;

bool topic_matches(std::string_view subscription, std::string_view topic) {
  if (subscription == topic) return true;
  if (subscription.size() >= 2 && subscription.substr(subscription.size() - 2) == "/*") {
    const auto prefix = subscription.substr(0, subscription.size() - 1);  // "station/"
    return topic.size() > prefix.size() && topic.substr(0, prefix.size()) == prefix;
  }
  return false;
}

void EventHub::add(const std::shared_ptr<EventSink>& sink) {
  // Forget streams that have ended, so the list never grows with churn.
  std::erase_if(sinks_, [](const auto& weak) { return weak.expired(); });
  sinks_.push_back(sink);
}

Frame EventHub::format(std::string_view topic, const json::value& data) {
  const auto kind = topic.substr(0, topic.find('/'));
  // The envelope {"topic":…,"data":…} is written around the serialised data rather than built as
  // an object: that would deep-copy every station snapshot once more, per scan.
  // serialize() escapes control characters, so the data line never contains a raw newline.
  return std::make_shared<const std::string>(
      fmt::format("id: {}\nevent: {}\ndata: {{\"topic\":{},\"data\":{}}}\n\n", next_id_++, kind,
                  json::serialize(json::string_view(topic.data(), topic.size())), json::serialize(data)));
}

template <class MakeFrame>
void EventHub::fan_out(std::string_view topic, const MakeFrame& make) {
  Frame frame;
  for (auto& weak : sinks_) {
    auto sink = weak.lock();
    if (!sink || !sink->wants(topic)) continue;
    if (!frame) frame = make();
    if (!sink->push(frame)) {
      ++dropped_;
      weak.reset();
    }
  }
  ++published_;
  std::erase_if(sinks_, [](const auto& weak) { return weak.expired(); });
}

void EventHub::publish(std::string_view topic, const json::value& data) {
  fan_out(topic, [&] { return format(topic, data); });
}

void EventHub::publish_with(std::string_view topic, const std::function<json::value()>& build) {
  fan_out(topic, [&] { return format(topic, build()); });
}

std::vector<Frame> EventHub::snapshot_frames(const std::vector<std::string>& topics) {
  std::vector<Frame> frames;
  auto add = [&](const std::string& topic, const std::function<json::value()>& fn) {
    if (fn) frames.push_back(format(topic, fn()));
  };
  try {
    for (const auto& topic : topics) {
      if (topic == "status") add(topic, view_.status);
      else if (topic == "devices") add(topic, view_.devices);
      else if (topic == "outbox") add(topic, view_.outbox);
      else if (topic == "station/*" && view_.stations) {
        const json::value all = view_.stations();
        if (!all.is_array()) continue;
        for (const auto& snapshot : all.as_array()) {
          const auto* id = snapshot.is_object() ? snapshot.as_object().if_contains("id") : nullptr;
          if (id && id->is_string())
            frames.push_back(format("station/" + std::string(id->as_string()), snapshot));
        }
      } else if (topic.starts_with("station/") && view_.station) {
        if (auto snapshot = view_.station(topic.substr(8))) frames.push_back(format(topic, *snapshot));
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("http: building the first event snapshot failed: {}", e.what());
  }
  return frames;
}

void EventHub::close_all() {
  auto sinks = std::move(sinks_);
  sinks_.clear();
  for (auto& weak : sinks)
    if (auto sink = weak.lock()) sink->close();
}

std::size_t EventHub::clients() {
  std::erase_if(sinks_, [](const auto& weak) { return weak.expired(); });
  return sinks_.size();
}

}  // namespace wedge::http
