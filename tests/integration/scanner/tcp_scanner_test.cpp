// TCP scanner, client and listen modes, against scripts/sim/scanner-sim on 127.0.0.1.
#include "tests/integration/scanner/scanner_fixture.hpp"

namespace wedge::test {
namespace {

using namespace std::string_literals;
using drivers::HealthState;

class TcpScannerTest : public ScannerFixture {
 protected:
  // The simulator binds port 0 and names its port; a test that starts the driver first fixes the
  // port with free_tcp_port() and the simulator then listens on it.
  int port = 0;
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port); }
  void fix_port() {
    if (port == 0) port = free_tcp_port();
  }

  void start_sim_server(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--tcp-listen", std::to_string(port)};
    args.insert(args.end(), extra.begin(), extra.end());
    sim = std::make_unique<ScannerSim>(scanner_sim_script(), args, dir);
    ASSERT_TRUE(wait([&] { return sim->listen_port() > 0; })) << sim->log();
    port = sim->listen_port();
  }
  using Values = std::vector<std::pair<std::string, drivers::Value>>;
  void start_client(Values extra = {}) { start_driver({{"mode", "client"s}, {"host", "127.0.0.1"s}}, extra); }
  void start_listener(Values extra = {}) {
    start_driver({{"mode", "listen"s}, {"bind_address", "127.0.0.1"s}}, extra);
  }
  // The tcp driver on `port` with fast reconnects: `values` name the mode, `extra` adds keys.
  void start_driver(Values values, const Values& extra) {
    fix_port();
    values.insert(values.end(), {{"port", std::int64_t{port}},
                                 {"reconnect_initial_ms", std::int64_t{20}},
                                 {"reconnect_max_ms", std::int64_t{100}}});
    values.insert(values.end(), extra.begin(), extra.end());
    start("tcp", settings(values));
  }
};

TEST_F(TcpScannerTest, ClientModeFramesSplitAndMergedScans) {
  start_sim_server({"--terminator", "crlf"});
  start_client({{"terminator", "crlf"s}});
  ASSERT_TRUE(wait_health(HealthState::connected)) << scanner->health().reason;
  sim->send({"]C1010950123456789017<GS>10LOT7", "@merge 4", "M1", "M2", "M3", "M4",
             "@split 1 ]E04006381333931", "@split 5 SPLIT-IN-FIVES-0123456789"});
  ASSERT_TRUE(wait_events(7)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"010950123456789017\x1d" "10LOT7", "M1", "M2",
                                                 "M3", "M4", "4006381333931",
                                                 "SPLIT-IN-FIVES-0123456789"}));
  EXPECT_EQ(events[0].symbology, "gs1-128");
  EXPECT_EQ(events[5].symbology, "ean-13");
}

TEST_F(TcpScannerTest, ClientModeRejectsBadScansAndKeepsGoodOnes) {
  start_sim_server();
  start_client({{"max_length", std::int64_t{32}}});
  ASSERT_TRUE(wait_health(HealthState::connected));
  sim->send({"@merge 5", "OK1", "@noise 20", "OK2", "@long 33", "OK3", "@nul ABCD", "OK4"});
  ASSERT_TRUE(wait_events(7)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"OK1", "!line noise", "OK2",
                                                 "!too long (33 > max 32)", "OK3", "!NUL byte",
                                                 "OK4"}));
}

TEST_F(TcpScannerTest, ClientReportsRefusedConnectionAndConnectsWhenReaderAppears) {
  start_client();
  ASSERT_TRUE(wait_health(HealthState::disconnected, "cannot connect to " + endpoint()))
      << scanner->health().reason;
  EXPECT_NE(scanner->health().reason.find("refused"), std::string::npos)
      << scanner->health().reason;
  start_sim_server();
  ASSERT_TRUE(wait_health(HealthState::connected));
  sim->send("FIRST");
  ASSERT_TRUE(wait_events(1));
  EXPECT_EQ(summary(), (std::vector<std::string>{"FIRST"}));
}

TEST_F(TcpScannerTest, ClientReconnectsAfterReaderDropsTheConnection) {
  start_sim_server();
  start_client();
  ASSERT_TRUE(wait_health(HealthState::connected));
  sim->send({"ONE", "@raw PART", "@disconnect 50", "TWO"});
  ASSERT_TRUE(wait_events(3)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(),
            (std::vector<std::string>{"ONE", "!incomplete scan at disconnect", "TWO"}));
  bool saw_lost = false;
  for (const auto& h : health)
    if (h.state == HealthState::disconnected &&
        h.reason == "connection to " + endpoint() + " lost: closed by peer")
      saw_lost = true;
  EXPECT_TRUE(saw_lost);
  EXPECT_EQ(scanner->health().state, HealthState::connected);
}

TEST_F(TcpScannerTest, SilentReaderIsDroppedByIdleTimeoutAndReconnected) {
  start_sim_server();
  start_client({{"idle_timeout_ms", std::int64_t{300}}});
  ASSERT_TRUE(wait_health(HealthState::connected));
  ASSERT_TRUE(wait_health(HealthState::disconnected,
                          "no data from " + endpoint() + " for 300 ms"));
  EXPECT_TRUE(events.empty());
  ASSERT_TRUE(wait_health(HealthState::connected));
  sim->send("AFTER-SILENCE");
  ASSERT_TRUE(wait_events(1)) << sim->log();
  EXPECT_EQ(summary(), (std::vector<std::string>{"AFTER-SILENCE"}));
}

TEST_F(TcpScannerTest, SilentReaderWithoutIdleTimeoutStaysConnected) {
  start_sim_server();
  start_client({{"inter_char_timeout_ms", std::int64_t{100}}});
  ASSERT_TRUE(wait_health(HealthState::connected));
  sim->send("@raw STUCK");  // a partial scan, then silence
  ASSERT_TRUE(wait_events(1));
  EXPECT_EQ(summary(), (std::vector<std::string>{"!no terminator within 100 ms"}));
  run_for(std::chrono::milliseconds(300));
  EXPECT_EQ(events.size(), 1u);
  EXPECT_EQ(scanner->health().state, HealthState::connected);
}

TEST_F(TcpScannerTest, ListenModeAcceptsAScannerAndFollowsItsReconnects) {
  start_listener();
  ASSERT_TRUE(wait_health(HealthState::disconnected,
                          "listening on " + endpoint() + ", no scanner connected"))
      << scanner->health().reason;
  sim = std::make_unique<ScannerSim>(scanner_sim_script(),
                                     std::vector<std::string>{"--tcp-connect", endpoint()}, dir);
  ASSERT_TRUE(wait_health(HealthState::connected));
  sim->send({"IN1", "@merge 2", "IN2", "IN3", "@disconnect 200", "IN4"});
  ASSERT_TRUE(wait_health(HealthState::disconnected, "listening on " + endpoint()))
      << scanner->health().reason;
  EXPECT_NE(scanner->health().reason.find("disconnected (closed by peer)"), std::string::npos)
      << scanner->health().reason;
  ASSERT_TRUE(wait_events(4)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"IN1", "IN2", "IN3", "IN4"}));
  EXPECT_EQ(scanner->health().state, HealthState::connected);
}

TEST_F(TcpScannerTest, ListenModeNewConnectionReplacesTheOldOne) {
  start_listener();
  auto first = std::make_unique<ScannerSim>(
      scanner_sim_script(), std::vector<std::string>{"--tcp-connect", endpoint()}, dir, "first");
  ASSERT_TRUE(wait_health(HealthState::connected));
  first->send("FROM-FIRST");
  ASSERT_TRUE(wait_events(1));
  sim = std::make_unique<ScannerSim>(scanner_sim_script(),
                                     std::vector<std::string>{"--tcp-connect", endpoint()}, dir,
                                     "second");
  ASSERT_TRUE(wait([&] { return sim->log_contains("CONNECTED"); }));
  sim->send("FROM-SECOND");
  ASSERT_TRUE(wait_events(2)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"FROM-FIRST", "FROM-SECOND"}));
  EXPECT_EQ(scanner->health().state, HealthState::connected);
}

TEST_F(TcpScannerTest, ListenPortInUseIsFaulted) {
  start_sim_server();  // holds the port
  start_listener();
  ASSERT_TRUE(wait_health(HealthState::faulted, "cannot listen on " + endpoint()))
      << scanner->health().reason;
}

}  // namespace
}  // namespace wedge::test
