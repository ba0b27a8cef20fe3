#include "daemon/mqtt/topics.hpp"

namespace wedge::mqtt {

Topics::Topics(std::string prefix, std::string site, std::string gateway)
    : base_(std::move(prefix) + "/" + std::move(site) + "/" + std::move(gateway)) {}

std::string Topics::status() const { return base_ + "/status"; }

std::string Topics::device_status(std::string_view device_id) const {
  return base_ + "/device/" + std::string(device_id) + "/status";
}

std::string Topics::event(std::string_view station, std::string_view type) const {
  if (station.empty()) return base_ + "/event/" + std::string(type);
  return base_ + "/station/" + std::string(station) + "/event/" + std::string(type);
}

std::string Topics::telemetry(std::string_view station, std::string_view type) const {
  if (station.empty()) return base_ + "/telemetry/" + std::string(type);
  return base_ + "/station/" + std::string(station) + "/telemetry/" + std::string(type);
}

std::string Topics::command(std::string_view type) const { return base_ + "/cmd/" + std::string(type); }

std::string Topics::command_filter() const { return base_ + "/cmd/#"; }

std::string Topics::ack() const { return base_ + "/ack"; }

std::string Topics::command_type(std::string_view topic) const {
  const std::string head = base_ + "/cmd/";
  if (topic.size() <= head.size() || topic.substr(0, head.size()) != head) return "";
  return std::string(topic.substr(head.size()));
}

bool Topics::is_valid_level(std::string_view level) {
  if (level.empty() || level.front() == '$') return false;
  return level.find_first_of("/+#") == std::string_view::npos;
}

}  // namespace wedge::mqtt
