// The one broker URI parser: what the config accepts is what Paho, the command channel and
// TCP_NODELAY connect to, and what it refuses carries the message --check-config prints.
#include "daemon/mqtt/broker_uri.hpp"

#include <gtest/gtest.h>

namespace wedge::mqtt {
namespace {

TEST(BrokerUri, HostPortAndTlsWithSchemeDefaults) {
  struct Case {
    const char* uri;
    const char* host;
    int port;
    bool tls;
    const char* paho;
  };
  for (const auto& c : {Case{"mqtt://127.0.0.1:1884", "127.0.0.1", 1884, false, "tcp://127.0.0.1:1884"},
                        Case{"mqtts://broker.example:8884", "broker.example", 8884, true, "ssl://broker.example:8884"},
                        Case{"mqtt://oms-broker", "oms-broker", 1883, false, "tcp://oms-broker:1883"},
                        Case{"mqtts://oms-broker", "oms-broker", 8883, true, "ssl://oms-broker:8883"},
                        Case{"mqtt://[::1]:1883", "::1", 1883, false, "tcp://[::1]:1883"},
                        Case{"mqtt://[::1]:1999", "::1", 1999, false, "tcp://[::1]:1999"},
                        Case{"mqtts://[fe80::1]", "fe80::1", 8883, true, "ssl://[fe80::1]:8883"},
                        Case{"mqtt://10.0.0.5:1883/", "10.0.0.5", 1883, false, "tcp://10.0.0.5:1883"}}) {
    const auto parsed = parse_broker_uri(c.uri);
    ASSERT_TRUE(parsed) << c.uri << ": " << parsed.reason();
    EXPECT_EQ(parsed->host, c.host) << c.uri;
    EXPECT_EQ(parsed->port, c.port) << c.uri;
    EXPECT_EQ(parsed->tls, c.tls) << c.uri;
    EXPECT_EQ(parsed->paho(), c.paho) << c.uri;
  }
}

TEST(BrokerUri, RefusalsSayWhatIsWrong) {
  struct Case {
    const char* uri;
    const char* error;
  };
  for (const auto& c : {
           Case{"http://h:80", "expected mqtt://host:port or mqtts://host:port, got 'http://h:80'"},
           Case{"tcp://127.0.0.1:1883", "expected mqtt://host:port or mqtts://host:port, got 'tcp://127.0.0.1:1883'"},
           Case{"ws://h:80", "expected mqtt://host:port or mqtts://host:port, got 'ws://h:80'"},
           Case{"broker:1883", "expected mqtt://host:port or mqtts://host:port, got 'broker:1883'"},
           Case{"MQTT://h", "expected mqtt://host:port or mqtts://host:port, got 'MQTT://h'"},
           Case{"mqtt://user@h:1883", "expected mqtt://host:port or mqtts://host:port, got 'mqtt://user@h:1883'"},
           Case{"mqtt://h:1883/topic", "expected mqtt://host:port or mqtts://host:port, got 'mqtt://h:1883/topic'"},
           Case{"mqtt://h:1883?x=1", "expected mqtt://host:port or mqtts://host:port, got 'mqtt://h:1883?x=1'"},
           Case{"mqtt://[::1", "expected mqtt://host:port or mqtts://host:port, got 'mqtt://[::1'"},
           Case{"mqtt://[::1]x", "expected mqtt://host:port or mqtts://host:port, got 'mqtt://[::1]x'"},
           Case{"mqtt://", "missing host in 'mqtt://'"},
           Case{"mqtt://:1883", "missing host in 'mqtt://:1883'"},
           Case{"mqtt://host:", "port '' out of range 1..65535"},
           Case{"mqtt://host:0", "port '0' out of range 1..65535"},
           Case{"mqtt://h:70000", "port '70000' out of range 1..65535"},
           Case{"mqtt://host:65536", "port '65536' out of range 1..65535"},
           Case{"mqtt://host:12ab", "expected mqtt://host:port or mqtts://host:port, got 'mqtt://host:12ab'"},
       }) {
    const auto parsed = parse_broker_uri(c.uri);
    EXPECT_FALSE(parsed) << c.uri;
    EXPECT_EQ(parsed.reason(), c.error) << c.uri;
  }
}

}  // namespace
}  // namespace wedge::mqtt
