// A test-side MQTT client playing the OMS: subscribes with a persistent session (so it misses
// nothing while the broker restarts), records every message, and publishes commands.
// Paho callbacks append under a mutex; the test thread reads copies. Used from the test thread.
#pragma once

#include <mqtt/async_client.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace wedge::test {

struct ProbeMessage {
  std::string topic;
  std::string payload;
  std::string session_property;  // MQTT 5 user property "session", "" when absent
};

struct ProbeTls {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

class Probe {
 public:
  // Connects (waiting up to 10 s) and subscribes to `filter` with QoS 1; throws on failure.
  // mqtt311: MQTT 3.1.1 with clean session off (RabbitMQ 3.10), instead of MQTT 5.
  Probe(const std::string& paho_uri, const std::string& client_id, const std::string& filter, ProbeTls tls = {},
        bool mqtt311 = false);
  ~Probe();

  void publish(const std::string& topic, const std::string& payload);  // QoS 1, waits for PUBACK
  std::vector<ProbeMessage> messages() const;
  std::size_t count() const;

  // Events (payloads with "seq") de-duplicated by id, in order of first arrival.
  struct Event {
    std::int64_t seq;
    std::string id;
    std::int64_t session;
  };
  std::vector<Event> unique_events() const;
  std::size_t unique_count() const;

 private:
  std::unique_ptr<::mqtt::async_client> client_;
  mutable std::mutex mutex_;
  std::vector<ProbeMessage> messages_;
  std::vector<Event> events_;
  std::set<std::string> seen_ids_;
};

}  // namespace wedge::test
