#include "tools/station-bench/mqtt_observer.hpp"

#include <boost/asio/post.hpp>
#include <unistd.h>

#include "tools/station-bench/clock.hpp"

namespace wedge::station_bench {

MqttObserver::MqttObserver(boost::asio::any_io_executor loop, const std::string& uri, MessageHandler handler,
                           const std::string& client_id)
    : loop_(std::move(loop)),
      handler_(std::move(handler)),
      client_(std::make_unique<mqtt::async_client>(
          uri, client_id.empty() ? "station-bench-" + std::to_string(::getpid()) : client_id)) {
  std::weak_ptr<bool> alive = alive_;
  client_->set_message_callback([this, alive](mqtt::const_message_ptr message) {
    const std::int64_t received_ns = mono_ns();
    // Paho's thread: only copies of the data cross to the loop.
    boost::asio::post(loop_, [this, alive, received_ns, topic = message->get_topic(),
                              payload = message->get_payload_str()] {
      if (alive.expired()) return;
      ++messages_;
      handler_(topic, payload, received_ns);
    });
  });
}

MqttObserver::~MqttObserver() {
  *alive_ = false;
  disconnect();
}

std::string MqttObserver::connect(const std::vector<std::string>& filters, std::chrono::milliseconds timeout) {
  try {
    auto options = mqtt::connect_options_builder()
                       .clean_session(true)
                       .keep_alive_interval(std::chrono::seconds(30))
                       .connect_timeout(timeout)
                       .finalize();
    if (!client_->connect(options)->wait_for(timeout)) return "no CONNACK within the timeout";
    for (const auto& filter : filters)
      if (!client_->subscribe(filter, 1)->wait_for(timeout)) return "no SUBACK for " + filter;
    return {};
  } catch (const mqtt::exception& e) {
    return e.what();
  }
}

std::string MqttObserver::publish(const std::string& topic, const std::string& payload) {
  try {
    if (!client_->publish(mqtt::make_message(topic, payload, 1, false))->wait_for(std::chrono::seconds(10)))
      return "no PUBACK within 10 s";
    return {};
  } catch (const mqtt::exception& e) {
    return e.what();
  }
}

void MqttObserver::disconnect() {
  try {
    if (client_ && client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
    // Gone already (broker stopped first): nothing left to close.
  }
}

}  // namespace wedge::station_bench
