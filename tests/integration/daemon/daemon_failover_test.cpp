// broker.uris on the real daemon: when the node in use stops, both connections move to the next
// one, and the node in use shows in /api/v1/status, /metrics, the birth and the log.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>

#include "tests/integration/mqtt/probe.hpp"
#include "tests/support/mosquitto.hpp"
#include "tests/support/wedge_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using namespace wedge::test;  // the peers and helpers of tests/support
constexpr auto has = contains;

boost::json::object broker_status(const WedgeDaemon& daemon) {
  const auto reply = daemon.get("/api/v1/status");
  if (reply.status != 200) return {};
  return boost::json::parse(reply.body).as_object().at("broker").as_object();
}

bool on_node(const WedgeDaemon& daemon, const std::string& uri, std::int64_t index) {
  const auto b = broker_status(daemon);
  return !b.empty() && b.at("connected").as_bool() && b.at("commands_subscribed").as_bool() &&
         b.at("uri").as_string() == uri && b.at("node_index").as_int64() == index &&
         b.at("commands_uri").as_string() == uri && b.at("commands_node_index").as_int64() == index;
}

bool birth_names(const Probe& probe, const std::string& uri, std::int64_t index) {
  for (const auto& m : probe.messages()) {
    if (m.topic != "wedge/v1/s1/gw-fo/status") continue;
    const auto status = boost::json::parse(m.payload).as_object();
    if (status.at("online").as_bool() && status.at("broker_uri").as_string() == uri &&
        status.at("broker_index").as_int64() == index)
      return true;
  }
  return false;
}

// Fails without failover: the daemon retried the stopped node and never reached the second.
TEST(DaemonFailover, TheNodeInUseIsReportedAndFollowsTheFailover) {
  Mosquitto first;
  Mosquitto second;
  Probe on_first(first.paho_uri(), "oms-fo-1", "wedge/v1/s1/gw-fo/#");
  Probe on_second(second.paho_uri(), "oms-fo-2", "wedge/v1/s1/gw-fo/#");
  WedgeDaemon daemon({"gw-fo",
                      "  uris: [" + first.uri() + ", " + second.uri() +
                          "]\n  reconnect_min_ms: 100\n  reconnect_max_ms: 300\n",
                      "stations:\n  - id: S1\n    steps: [pick]\n"});

  ASSERT_TRUE(wait_until([&] { return on_node(daemon, first.uri(), 0); }, 15s)) << daemon.log();
  EXPECT_TRUE(wait_until([&] { return birth_names(on_first, first.uri(), 0); }, 10s)) << daemon.log();
  const auto metrics = daemon.get("/metrics").body;
  EXPECT_TRUE(has(metrics, "wedge_broker_node_index{connection=\"events\",uri=\"" + first.uri() + "\"} 0\n")) << metrics;
  EXPECT_TRUE(has(metrics, "wedge_broker_node_index{connection=\"commands\",uri=\"" + first.uri() + "\"} 0\n"))
      << metrics;

  first.stop();
  ASSERT_TRUE(wait_until([&] { return on_node(daemon, second.uri(), 1); }, 15s)) << daemon.log();
  EXPECT_TRUE(wait_until([&] { return birth_names(on_second, second.uri(), 1); }, 10s)) << daemon.log();
  const auto after = daemon.get("/metrics").body;
  EXPECT_TRUE(has(after, "wedge_broker_node_index{connection=\"events\",uri=\"" + second.uri() + "\"} 1\n")) << after;
  EXPECT_TRUE(has(after, "wedge_broker_node_index{connection=\"commands\",uri=\"" + second.uri() + "\"} 1\n")) << after;
  EXPECT_TRUE(has(daemon.log(), "mqtt connected to " + second.uri() + " (node 2 of 2)")) << daemon.log();
}

}  // namespace
