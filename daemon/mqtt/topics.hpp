// The MQTT topic tree of one gateway (docs/mqtt-api.md, "Topic tree"): every topic the gateway
// publishes or subscribes is built here, so producers and the docs cannot drift apart.
//
//   {prefix}/{site}/{gateway}/status                               retained birth / will
//   {prefix}/{site}/{gateway}/device/{device}/status               retained device state
//   {prefix}/{site}/{gateway}/station/{station}/event/{type}       business events of a station
//   {prefix}/{site}/{gateway}/event/{type}                         gateway-level business events
//   {prefix}/{site}/{gateway}/station/{station}/telemetry/{type}   station telemetry
//   {prefix}/{site}/{gateway}/telemetry/{type}                     gateway telemetry
//   {prefix}/{site}/{gateway}/cmd/{type}                           commands from the OMS (subscribed)
//   {prefix}/{site}/{gateway}/ack                                  replies to commands
//
// Ids and types must be valid topic levels (no '/', '+', '#'); is_valid_level() checks one. Immutable
// after construction; any thread.
#pragma once

#include <string>
#include <string_view>

namespace wedge::mqtt {

class Topics {
 public:
  Topics(std::string prefix, std::string site, std::string gateway);

  const std::string& base() const { return base_; }
  std::string status() const;
  std::string device_status(std::string_view device_id) const;
  std::string event(std::string_view station, std::string_view type) const;
  std::string telemetry(std::string_view station, std::string_view type) const;
  std::string command(std::string_view type) const;
  std::string command_filter() const;  // "{base}/cmd/#"
  std::string ack() const;

  // The command type of a topic under command_filter(), or "" when `topic` is not a command topic.
  std::string command_type(std::string_view topic) const;

  static bool is_valid_level(std::string_view level);

 private:
  std::string base_;
};

}  // namespace wedge::mqtt
