// broker.uris against three real mosquittos that know nothing of each other: when the broker in
// use goes, both connections of the link move to the next node, the stream goes on there without a
// loss, and the birth names the node. (A cluster that shares sessions is tests/integration/cluster.)
#include "tests/integration/mqtt/probe.hpp"
#include "tests/integration/mqtt/runner.hpp"
#include "tests/support/mosquitto.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace wedge::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFilter = "wedge/v1/site1/gw1/#";
constexpr const char* kStatus = "wedge/v1/site1/gw1/status";

// The seqs every probe received, de-duplicated across the probes.
std::set<std::int64_t> seqs_seen(std::initializer_list<const Probe*> probes) {
  std::set<std::int64_t> seqs;
  for (const Probe* probe : probes)
    for (const auto& event : probe->unique_events()) seqs.insert(event.seq);
  return seqs;
}

// The broker_index of the last online birth `probe` saw, -1 without one.
std::int64_t last_birth_index(const Probe& probe) {
  std::int64_t index = -1;
  for (const auto& m : probe.messages()) {
    if (m.topic != kStatus) continue;
    const auto status = boost::json::parse(m.payload).as_object();
    if (status.at("online").as_bool()) index = status.at("broker_index").as_int64();
  }
  return index;
}

// Fails without failover: the link and the command channel retried the first node for ever.
TEST(Failover, WhenTheNodeInUseStopsBothConnectionsMoveOnAndNothingIsLost) {
  Mosquitto first;
  Mosquitto second;
  Mosquitto third;
  TempDir state;
  Probe on_first(first.paho_uri(), "oms-1", kFilter);
  Probe on_second(second.paho_uri(), "oms-2", kFilter);
  Probe on_third(third.paho_uri(), "oms-3", kFilter);
  constexpr std::int64_t kEvents = 1500;
  auto runner = start_runner(first.uri() + "," + second.uri() + "," + third.uri(), state.path(),
                             {"--events", std::to_string(kEvents), "--rate-per-s", "300"}, state.file("runner.log"));
  ASSERT_TRUE(wait_until([&] { return on_first.unique_count() >= 150; }, 15s)) << runner->log();
  EXPECT_EQ(last_birth_index(on_first), 0);

  // SIGTERM: mosquitto saves what it still holds for on_first's session, which it gets on return.
  first.stop();
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "mqtt connected to " + second.uri() + " (node 2 of 3)"); }, 15s))
      << runner->log();
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "command channel wedge-site1-gw1-cmd on " + second.uri()); }, 15s))
      << runner->log();
  ASSERT_TRUE(wait_until([&] { return last_birth_index(on_second) == 1; }, 10s)) << runner->log();
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "drained"); }, 30s)) << runner->log();

  // Commands reach the gateway on the node it moved to.
  on_second.publish("wedge/v1/site1/gw1/cmd/rebirth", R"({"schema":1,"id":"c-failover","type":"rebirth"})");
  EXPECT_TRUE(wait_until(
      [&] {
        for (const auto& m : on_second.messages())
          if (m.topic == "wedge/v1/site1/gw1/ack" && m.payload.find("c-failover") != std::string::npos) return true;
        return false;
      },
      10s))
      << runner->log();

  first.start();
  ASSERT_TRUE(wait_until([&] { return seqs_seen({&on_first, &on_second, &on_third}).size() == kEvents; }, 20s))
      << "seen " << seqs_seen({&on_first, &on_second, &on_third}).size() << "\n" << runner->log();
  const auto seqs = seqs_seen({&on_first, &on_second, &on_third});
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), kEvents);
  EXPECT_EQ(on_third.unique_count(), 0U);  // the link stays on the second node while it works
}

// A node that refuses the connection (nothing listens there) is passed over at start-up.
TEST(Failover, ARefusingFirstNodeIsPassedOver) {
  Mosquitto broker;
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-refused", kFilter);
  const std::string closed = "mqtt://127.0.0.1:" + std::to_string(free_tcp_port());
  auto runner = start_runner(closed + "," + broker.uri(), state.path(), {"--events", "20"}, state.file("runner.log"));
  ASSERT_TRUE(wait_until([&] { return oms.unique_count() == 20; }, 15s)) << runner->log();
  EXPECT_TRUE(wait_until([&] { return last_birth_index(oms) == 1; }, 10s)) << runner->log();
  EXPECT_TRUE(log_has(*runner, "mqtt connect to " + closed + " (node 1 of 2) failed")) << runner->log();
}

}  // namespace
}  // namespace wedge::test
