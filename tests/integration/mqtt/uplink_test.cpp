// The uplink against a real mosquitto: nothing is lost or reordered when the broker restarts or the
// gateway is killed; the retained status tells the truth; buffer full; TLS with client certificates.
#include "tests/integration/mqtt/probe.hpp"
#include "tests/integration/mqtt/runner.hpp"
#include "tests/support/mosquitto.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace wedge::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFilter = "wedge/v1/site1/gw1/#";
constexpr const char* kStatus = "wedge/v1/site1/gw1/status";

// All of 1..n exactly once after de-duplication, in seq order.
void expect_complete_in_order(const std::vector<Probe::Event>& events, std::int64_t n) {
  ASSERT_EQ(static_cast<std::int64_t>(events.size()), n);
  for (std::int64_t i = 0; i < n; ++i) {
    ASSERT_EQ(events[static_cast<std::size_t>(i)].seq, i + 1) << "at position " << i;
  }
}

// Publishes a rebirth command as the OMS and waits for its reply on the ack topic: the command
// channel and the reply path both work.
::testing::AssertionResult command_round_trip(Probe& oms, const std::string& id) {
  oms.publish("wedge/v1/site1/gw1/cmd/rebirth", R"({"schema":1,"id":")" + id + R"(","type":"rebirth"})");
  const bool answered = wait_until(
      [&] {
        for (const auto& m : oms.messages())
          if (m.topic == "wedge/v1/site1/gw1/ack" && m.payload.find(id) != std::string::npos &&
              m.payload.find("\"accepted\"") != std::string::npos)
            return true;
        return false;
      },
      10s);
  if (answered) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no accepted reply to command " << id;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

std::vector<boost::json::object> statuses(const Probe& probe) {
  std::vector<boost::json::object> out;
  for (const auto& m : probe.messages()) {
    if (m.topic == kStatus) out.push_back(boost::json::parse(m.payload).as_object());
  }
  return out;
}

// The OMS probe's session survives a broker restart, so what the broker queued for it while it was
// away reaches it (the restart and buffer-full cases below count on that). With the Session Expiry
// Interval lost (paho.mqtt.cpp#362, probe.cpp) mosquitto restored the session from its file but
// answered the probe's reconnect with "session present 0" and dropped what was queued.
TEST(UplinkProbe, ResumesItsSessionAfterABrokerRestart) {
  MosquittoOptions options;
  options.log_packets = true;  // "Sending CONNACK to <client> (<session present>, <reason>)"
  Mosquitto broker(options);
  Probe oms(broker.paho_uri(), "oms-resume", kFilter);
  broker.stop();
  broker.start();
  ASSERT_TRUE(wait_until([&] { return broker.log_lines({"Sending CONNACK to oms-resume "}) >= 2; }, 15s))
      << broker.log();
  EXPECT_EQ(broker.log_lines({"Sending CONNACK to oms-resume (1, 0)"}), 1u) << broker.log();
}

TEST(Uplink, BrokerRestartedTwiceMidStreamLosesNothing) {
  Mosquitto broker;
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-restart", kFilter);
  auto runner = start_runner(broker.uri(), state.path(), {"--events", "10000", "--rate-per-s", "4000"},
                             state.file("runner.log"));
  for (std::size_t threshold : {2500u, 6000u}) {
    ASSERT_TRUE(wait_until([&] { return oms.unique_count() >= threshold; }, 30s)) << runner->log();
    broker.stop();
    broker.start();
  }
  ASSERT_TRUE(wait_until([&] { return oms.unique_count() >= 10000; }, 60s, 50ms))
      << "got " << oms.unique_count() << "\n" << runner->log();
  const auto events = oms.unique_events();
  expect_complete_in_order(events, 10000);
  // At least three connections, each with a new session number; in the stream the number grows
  // and never goes back. (How many sessions the stream itself spans depends on how far the OMS
  // probe lags behind, which a loaded machine decides: the runner's log is the exact witness.)
  EXPECT_EQ(events.front().session, 1);
  EXPECT_GE(events.back().session, 2);
  for (std::size_t i = 1; i < events.size(); ++i) ASSERT_LE(events[i - 1].session, events[i].session);
  ASSERT_TRUE(wait_until([&] { return count_of(runner->log(), "mqtt connected") >= 3; }, 10s)) << runner->log();
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "drained"); }, 20s)) << runner->log();
}

TEST(Uplink, KilledMidStreamAndRestartedLosesNothingAndStatusTellsTheTruth) {
  Mosquitto broker;
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-kill", kFilter);
  const std::vector<std::string> args = {"--events", "10000", "--rate-per-s", "4000"};
  auto runner = start_runner(broker.uri(), state.path(), args, state.file("runner1.log"));
  ASSERT_TRUE(wait_until([&] { return oms.unique_count() >= 3000; }, 30s)) << runner->log();
  runner->signal(SIGKILL);
  runner->wait(5s);
  // The broker sees the socket close and publishes the Will.
  ASSERT_TRUE(wait_until([&] {
    const auto s = statuses(oms);
    return !s.empty() && !s.back().at("online").as_bool();
  }, 10s));
  runner = start_runner(broker.uri(), state.path(), args, state.file("runner2.log"));
  ASSERT_TRUE(wait_until([&] { return oms.unique_count() >= 10000; }, 60s, 50ms))
      << "got " << oms.unique_count() << "\n" << runner->log();
  expect_complete_in_order(oms.unique_events(), 10000);

  const auto s = statuses(oms);
  ASSERT_GE(s.size(), 3u);
  EXPECT_TRUE(s[0].at("online").as_bool());
  EXPECT_EQ(s[0].at("session").as_int64(), 1);
  EXPECT_FALSE(s[1].at("online").as_bool());
  EXPECT_EQ(s[1].at("reason").as_string(), "connection lost");
  EXPECT_EQ(s[1].at("session").as_int64(), 1);
  EXPECT_TRUE(s[2].at("online").as_bool());
  EXPECT_EQ(s[2].at("session").as_int64(), 2);

  // A late subscriber sees the retained truth: online, session 2.
  Probe late(broker.paho_uri(), "oms-late", kStatus);
  ASSERT_TRUE(wait_until([&] { return late.count() >= 1; }, 10s));
  const auto retained = boost::json::parse(late.messages().front().payload).as_object();
  EXPECT_TRUE(retained.at("online").as_bool());
  EXPECT_EQ(retained.at("session").as_int64(), 2);
  EXPECT_TRUE(retained.contains("outbox_depth"));
  EXPECT_EQ(retained.at("stations").as_array().size(), 1u);

  // A clean stop says "offline" itself (a clean DISCONNECT suppresses the Will).
  runner->stop();
  ASSERT_TRUE(wait_until([&] {
    const auto all = statuses(oms);
    return !all.back().at("online").as_bool() && all.back().at("reason").as_string() == "shutdown";
  }, 10s));
}

TEST(Uplink, BufferFullRefusesBusinessEventsThenDrainsWhenTheBrokerReturns) {
  Mosquitto broker;
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-full", kFilter);
  broker.stop();
  auto runner = start_runner(broker.uri(), state.path(), {"--events", "150", "--max-events", "100"},
                             state.file("runner.log"));
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "alarm full=1"); }, 20s)) << runner->log();
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "refused full"); }, 20s)) << runner->log();
  broker.start();
  ASSERT_TRUE(wait_until([&] { return oms.unique_count() >= 150; }, 30s)) << runner->log();
  expect_complete_in_order(oms.unique_events(), 150);
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "alarm full=0"); }, 10s)) << runner->log();
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "drained"); }, 20s)) << runner->log();
}

TEST(Uplink, MqttVersion311WorksToo) {
  Mosquitto broker;
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-311", kFilter);
  auto runner = start_runner(broker.uri(), state.path(), {"--events", "500", "--mqtt-version", "3.1.1"},
                             state.file("runner.log"));
  ASSERT_TRUE(wait_until([&] { return oms.unique_count() >= 500; }, 30s)) << runner->log();
  expect_complete_in_order(oms.unique_events(), 500);
  for (const auto& m : oms.messages()) {
    if (m.topic.find("/event/") != std::string::npos) {
      ASSERT_EQ(m.session_property, "");
    }
  }
  EXPECT_TRUE(command_round_trip(oms, "c-311")) << runner->log();
}

TEST(Uplink, TlsWithCaAndClientCertificate) {
  TempDir pki_dir;
  const auto pki = make_test_pki(pki_dir.path());
  MosquittoOptions options;
  options.tls = true;
  options.pki = pki;
  Mosquitto broker(options);
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-tls", kFilter, {pki.ca_cert, pki.client_cert, pki.client_key});
  auto runner = start_runner(broker.uri(), state.path(),
                             {"--events", "200", "--ca", pki.ca_cert, "--cert", pki.client_cert, "--key",
                              pki.client_key},
                             state.file("runner.log"));
  ASSERT_TRUE(wait_until([&] { return oms.unique_count() >= 200; }, 30s)) << runner->log();
  expect_complete_in_order(oms.unique_events(), 200);
  const auto events = oms.messages();
  const auto last = std::find_if(events.rbegin(), events.rend(),
                                 [](const ProbeMessage& m) { return m.topic.find("/event/") != std::string::npos; });
  EXPECT_EQ(last->session_property, "1");  // MQTT 5 user property mirrors the envelope field
  EXPECT_TRUE(command_round_trip(oms, "c-tls")) << runner->log();  // the command channel speaks TLS too

  // Without a client certificate the broker refuses; with a foreign CA the gateway refuses.
  TempDir other_dir;
  const auto other = make_test_pki(other_dir.path());
  TempDir state2;
  auto no_cert = start_runner(broker.uri(), state2.path(), {"--ca", pki.ca_cert, "--client-id", "x1"},
                              state2.file("no-cert.log"));
  auto wrong_ca = start_runner(broker.uri(), state2.path() + "/b",
                               {"--ca", other.ca_cert, "--cert", pki.client_cert, "--key", pki.client_key,
                                "--client-id", "x2"},
                               state2.file("wrong-ca.log"));
  EXPECT_TRUE(wait_until([&] { return log_has(*no_cert, "mqtt connect to"); }, 15s)) << no_cert->log();
  EXPECT_TRUE(wait_until([&] { return log_has(*wrong_ca, "mqtt connect to"); }, 15s)) << wrong_ca->log();
  EXPECT_TRUE(wait_until([&] { return log_has(*no_cert, "mqtt command channel to"); }, 15s)) << no_cert->log();
  EXPECT_TRUE(wait_until([&] { return log_has(*wrong_ca, "TLS: unknown CA"); }, 15s)) << wrong_ca->log();
  EXPECT_FALSE(log_has(*no_cert, "mqtt connected"));
  EXPECT_FALSE(log_has(*wrong_ca, "mqtt connected"));
  EXPECT_FALSE(log_has(*no_cert, "mqtt subscribed"));
  EXPECT_FALSE(log_has(*wrong_ca, "mqtt subscribed"));
}

// Both connections log in with the credentials file; a wrong password is refused on both.
TEST(Uplink, CredentialsLogBothConnectionsIn) {
  TempDir dir;
  const auto passwords = dir.file("passwd");
  ASSERT_EQ(std::system(("mosquitto_passwd -b -c " + passwords + " gw1 s3cret >/dev/null 2>&1").c_str()), 0);
  ::chmod(passwords.c_str(), 0644);  // mosquitto reads it as its own user
  MosquittoOptions options;
  options.extra_config = "password_file " + passwords + "\n";  // anonymous stays allowed (the probe)
  Mosquitto broker(options);
  const auto good = dir.file("good");
  const auto bad = dir.file("bad");
  write_file(good, "username=gw1\npassword=s3cret\n");
  write_file(bad, "username=gw1\npassword=wrong\n");
  ::chmod(good.c_str(), 0600);
  ::chmod(bad.c_str(), 0600);
  Probe oms(broker.paho_uri(), "oms-creds", kFilter);
  TempDir state;
  auto runner = start_runner(broker.uri(), state.path(), {"--credentials", good}, state.file("good.log"));
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "mqtt connected"); }, 10s)) << runner->log();
  EXPECT_TRUE(command_round_trip(oms, "c-creds")) << runner->log();
  TempDir state2;
  auto refused = start_runner(broker.uri(), state2.path(), {"--credentials", bad, "--client-id", "x3"},
                              state2.file("bad.log"));
  EXPECT_TRUE(wait_until([&] { return log_has(*refused, "CONNACK refused"); }, 10s)) << refused->log();
  EXPECT_TRUE(wait_until([&] { return log_has(*refused, "mqtt connect to"); }, 10s)) << refused->log();
  EXPECT_FALSE(log_has(*refused, "mqtt connected"));
  EXPECT_FALSE(log_has(*runner, "s3cret"));
}

// Regression: SIGTERM while a CONNECT was pending destroyed the Paho client with the connect
// listener inside the freed link, and Paho's thread called into it (a crash at shutdown). Paho's
// own connect timeout must also end a CONNECT that gets no CONNACK (no watchdog of ours).
TEST(Uplink, SigtermWhileConnectIsPendingExitsCleanly) {
  SilentTcpListener hung;
  TempDir state;
  const std::string uri = "mqtt://127.0.0.1:" + std::to_string(hung.port());
  auto timed_out = start_runner(uri, state.path(), {}, state.file("timeout.log"));
  // uplink-runner's connect_timeout_s is 2.
  ASSERT_TRUE(wait_until([&] { return log_has(*timed_out, "mqtt connect to"); }, 10s)) << timed_out->log();
  // The command channel gives up on a broker that never answers, too, and says so.
  ASSERT_TRUE(wait_until([&] { return log_has(*timed_out, "not subscribed within 2 s"); }, 10s)) << timed_out->log();
  timed_out->stop();
  for (int round = 0; round < 2; ++round) {
    TempDir dir;
    auto runner = start_runner(uri, dir.path(), {}, dir.file("runner.log"));
    ASSERT_TRUE(wait_until([&] { return log_has(*runner, "ready"); }, 10s)) << runner->log();
    runner->signal(SIGTERM);
    const int status = runner->wait(10s);
    ASSERT_TRUE(WIFEXITED(status)) << "status " << status << "\n" << runner->log();
    EXPECT_EQ(WEXITSTATUS(status), 0) << runner->log();
  }
}

TEST(Uplink, CredentialsFileReadableByOthersRefusesToStart) {
  TempDir state;
  const auto creds = state.file("creds");
  write_file(creds, "username=gw1\npassword=secret\n");
  ::chmod(creds.c_str(), 0644);
  auto runner = start_runner("mqtt://127.0.0.1:1", state.path(), {"--credentials", creds}, state.file("runner.log"));
  const int status = runner->wait(10s);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_TRUE(log_has(*runner, "too open")) << runner->log();
  EXPECT_FALSE(log_has(*runner, "secret"));
}

}  // namespace
}  // namespace wedge::test
