#include "tests/integration/mqtt/probe.hpp"

#include <boost/json.hpp>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>

namespace wedge::test {

namespace {

// WEDGE_CONTRACT_CAPTURE=<dir>: every message the probe receives also goes to
// <dir>/probe-<pid>.jsonl, for tests/contract/contract.py to check against docs/asyncapi.yaml
// (ctest contract_capture_<suite>). Called under the probe's mutex.
void capture_for_contract(const ProbeMessage& m) {
  static const char* const dir = std::getenv("WEDGE_CONTRACT_CAPTURE");
  if (dir == nullptr || *dir == '\0') return;
  std::ofstream out(std::string(dir) + "/probe-" + std::to_string(::getpid()) + ".jsonl", std::ios::app);
  out << boost::json::serialize(boost::json::object{
             {"topic", m.topic}, {"payload", m.payload}, {"session_property", m.session_property}})
      << '\n';
}

}  // namespace

Probe::Probe(const std::string& paho_uri, const std::string& client_id, const std::string& filter, ProbeTls tls,
             bool mqtt311) {
  const int version = mqtt311 ? MQTTVERSION_3_1_1 : MQTTVERSION_5;
  client_ = std::make_unique<mqtt::async_client>(paho_uri, client_id, mqtt::create_options(version), nullptr);
  client_->set_message_callback([this](mqtt::const_message_ptr msg) {
    ProbeMessage m{msg->get_topic(), msg->get_payload_str(), ""};
    const auto& props = msg->get_properties();
    if (props.contains(mqtt::property::USER_PROPERTY)) {
      auto [name, value] = mqtt::get<mqtt::string_pair>(props, mqtt::property::USER_PROPERTY);
      if (name == "session") m.session_property = value;
    }
    boost::system::error_code ec;
    auto doc = boost::json::parse(m.payload, ec);
    std::lock_guard lock(mutex_);
    if (!ec && doc.is_object() && doc.as_object().contains("seq")) {
      const auto& obj = doc.as_object();
      std::string id(obj.at("id").as_string());
      if (seen_ids_.insert(id).second) {
        events_.push_back({obj.at("seq").as_int64(), id, obj.contains("session") ? obj.at("session").as_int64() : 0});
      }
    }
    capture_for_contract(m);
    messages_.push_back(std::move(m));
  });
  // Resubscribe on every reconnect: harmless with a kept session, needed if the broker lost it.
  client_->set_connected_handler([this, filter](const std::string&) {
    try {
      client_->subscribe(filter, 1);
    } catch (const std::exception&) {
      // The next reconnect subscribes again.
    }
  });
  auto builder = mqtt::connect_options_builder();
  if (mqtt311) {
    builder.mqtt_version(MQTTVERSION_3_1_1).clean_session(false);
  } else {
    builder.mqtt_version(MQTTVERSION_5).clean_start(false);
  }
  builder.automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(1));  // Paho C counts whole seconds
  if (!tls.ca_file.empty()) {
    mqtt::ssl_options ssl;
    ssl.set_trust_store(tls.ca_file);
    ssl.set_key_store(tls.cert_file);
    ssl.set_private_key(tls.key_file);
    builder.ssl(std::move(ssl));
  }
  auto options = builder.finalize();
  // Set on the finished options, not the builder: paho.mqtt.cpp 1.2.0 (Debian 12) loses builder
  // properties when finalize() copies the options (eclipse-paho/paho.mqtt.cpp#362). Without a
  // Session Expiry Interval the session ends with each connection: mosquitto restores it from its
  // file after a restart but does not resume it (session present 0), and what it queued for the
  // probe while the probe was away is gone.
  if (!mqtt311) options.set_properties({{mqtt::property::SESSION_EXPIRY_INTERVAL, 3600}});
  client_->connect(options)->wait_for(std::chrono::seconds(10));
  if (!client_->is_connected()) throw std::runtime_error("probe could not connect to " + paho_uri);
  client_->subscribe(filter, 1)->wait_for(std::chrono::seconds(10));
}

Probe::~Probe() {
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const std::exception&) {
    // Best effort in a test teardown.
  }
}

void Probe::publish(const std::string& topic, const std::string& payload) {
  client_->publish(mqtt::make_message(topic, payload, 1, false))->wait_for(std::chrono::seconds(10));
}

std::vector<ProbeMessage> Probe::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::size_t Probe::count() const {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

std::vector<Probe::Event> Probe::unique_events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::size_t Probe::unique_count() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

}  // namespace wedge::test
