// MqttObserver: the bench's own MQTT client (Paho C++, MQTT 3.1.1, clean session): it plays the OMS
// (publishes the pick lists) and subscribes with QoS 1 to what the gateway publishes.
//
// Every message is stamped with CLOCK_MONOTONIC as the first thing in Paho's callback, on Paho's
// thread, and then posted with that stamp to the loop, where the handler runs. For an event, that
// stamp stands for the moment the broker acknowledged the daemon's PUBLISH: mosquitto forwards a
// QoS 1 message to its subscribers before it sends the PUBACK to the publisher, so the stamp is a
// close proxy on the early side (it misses the PUBACK's own trip back to the daemon).
// connect() and publish() block the calling thread until the broker answers (set-up only, never
// during the measurement). Call from the loop thread; the handler runs there.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <mqtt/async_client.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace wedge::station_bench {

class MqttObserver {
 public:
  using MessageHandler = std::function<void(const std::string& topic, const std::string& payload, std::int64_t received_ns)>;

  // `uri` as Paho takes it: tcp://127.0.0.1:1883. `client_id` empty: station-bench-<pid>.
  MqttObserver(boost::asio::any_io_executor loop, const std::string& uri, MessageHandler handler,
               const std::string& client_id = "");
  ~MqttObserver();
  MqttObserver(const MqttObserver&) = delete;
  MqttObserver& operator=(const MqttObserver&) = delete;

  // Connects and subscribes (QoS 1) to every filter. "" or why not.
  [[nodiscard]] std::string connect(const std::vector<std::string>& filters, std::chrono::milliseconds timeout);
  // QoS 1, not retained; waits for the PUBACK. "" or why not.
  [[nodiscard]] std::string publish(const std::string& topic, const std::string& payload);
  void disconnect();
  std::int64_t messages() const { return messages_; }

 private:
  boost::asio::any_io_executor loop_;
  MessageHandler handler_;
  std::unique_ptr<mqtt::async_client> client_;
  std::int64_t messages_ = 0;  // counted on the loop
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wedge::station_bench
