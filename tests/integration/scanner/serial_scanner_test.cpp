// Serial scanner over a real pty pair from scripts/sim/scanner-sim.
#include <fstream>

#include "tests/integration/scanner/scanner_fixture.hpp"

namespace wedge::test {
namespace {

using namespace std::string_literals;
using drivers::HealthState;

class SerialScannerTest : public ScannerFixture {
 protected:
  // Starts the simulator on a pty with a stable symlink in the temp dir, and the driver on a glob
  // that matches it.
  void start_pair(std::vector<std::pair<std::string, drivers::Value>> extra = {},
                  std::vector<std::string> sim_args = {}) {
    std::vector<std::string> args = {"--pty", "--link", dir.file("ttyScanner0")};
    args.insert(args.end(), sim_args.begin(), sim_args.end());
    sim = std::make_unique<ScannerSim>(scanner_sim_script(), args, dir);
    ASSERT_TRUE(wait([&] { return !sim->pty_path().empty(); })) << sim->log();
    std::vector<std::pair<std::string, drivers::Value>> values = {
        {"path", dir.file("ttyScanner*")},
        {"baud", std::int64_t{115200}},
        {"reconnect_initial_ms", std::int64_t{20}},
        {"reconnect_max_ms", std::int64_t{100}},
    };
    values.insert(values.end(), extra.begin(), extra.end());
    start("serial", settings(values));
    ASSERT_TRUE(wait_health(HealthState::connected)) << scanner->health().reason;
  }
};

TEST_F(SerialScannerTest, DeliversScansWithAimAndGsUnderSplitAndMergedWrites) {
  start_pair();
  sim->send({"]C1010950123456789017<GS>10ABC123", "@merge 3", "A1", "]E04006381333931", "A3",
             "@split 3 ]d2010950123456789017<GS>21XYZ", "@split 1 ]Q1https://example.com/x"});
  ASSERT_TRUE(wait_events(6)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"010950123456789017\x1d" "10ABC123", "A1",
                                                 "4006381333931", "A3",
                                                 "010950123456789017\x1d" "21XYZ",
                                                 "https://example.com/x"}));
  EXPECT_EQ(events[0].symbology, "gs1-128");
  EXPECT_EQ(events[0].aim_id, "]C1");
  EXPECT_EQ(events[0].device_id, "scan-1");
  EXPECT_EQ(events[1].symbology, "unknown");
  EXPECT_EQ(events[2].symbology, "ean-13");
  EXPECT_EQ(events[4].symbology, "gs1-datamatrix");
  EXPECT_EQ(events[5].symbology, "qr");
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].timestamp, events[i].timestamp);
  run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(events.size(), 6u);  // nothing doubled
}

struct TerminatorCase {
  const char* sim;
  const char* driver;
};

class SerialTerminatorTest : public SerialScannerTest,
                             public ::testing::WithParamInterface<TerminatorCase> {};

TEST_P(SerialTerminatorTest, FramesOnTheConfiguredTerminator) {
  start_pair({{"terminator", std::string(GetParam().driver)}}, {"--terminator", GetParam().sim});
  sim->send({"@merge 2", "111", "222", "@split 2 333", "444"});
  ASSERT_TRUE(wait_events(4)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"111", "222", "333", "444"}));
}

INSTANTIATE_TEST_SUITE_P(Variants, SerialTerminatorTest,
                         ::testing::Values(TerminatorCase{"cr", "cr"}, TerminatorCase{"lf", "lf"},
                                           TerminatorCase{"crlf", "crlf"},
                                           TerminatorCase{"crlf", "any"},
                                           TerminatorCase{"lf", "any"},
                                           TerminatorCase{"byte:0x03", "byte:0x03"}));

TEST_F(SerialScannerTest, BadScansAreRejectedWithReasonAndNeighboursSurvive) {
  start_pair({{"max_length", std::int64_t{50}}});
  sim->send({"GOOD1", "@noise 12", "GOOD2", "@nul 1234", "GOOD3", "@bad-utf8 abcd", "GOOD4",
             "@long 120", "GOOD5", "caf<0xE9>", "GOOD6"});
  ASSERT_TRUE(wait_events(11)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(),
            (std::vector<std::string>{"GOOD1", "!line noise", "GOOD2", "!NUL byte", "GOOD3",
                                      "!invalid UTF-8", "GOOD4", "!too long (120 > max 50)",
                                      "GOOD5", "!invalid UTF-8", "GOOD6"}));
  for (const auto& e : events)
    if (!e.ok) {
      EXPECT_TRUE(e.data.empty());
    }
  EXPECT_EQ(scanner->counters().good, 6u);
  EXPECT_EQ(scanner->counters().rejected, 5u);
  EXPECT_EQ(scanner->health().state, HealthState::connected);
}

TEST_F(SerialScannerTest, OverlongScanInManyChunksIsCutAndRejected) {
  start_pair({{"max_length", std::int64_t{64}}}, {"--split-gap-ms", "1"});
  std::string line = "@split 7 ";
  line += std::string(500, 'X');
  sim->send({line, "AFTER"});
  ASSERT_TRUE(wait_events(2)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"!too long (500 > max 64)", "AFTER"}));
}

TEST_F(SerialScannerTest, InterCharacterTimeoutRejectsAnUnterminatedScan) {
  start_pair({{"inter_char_timeout_ms", std::int64_t{100}}});
  sim->send({"@raw 12345", "@pause 300", "GOOD"});
  ASSERT_TRUE(wait_events(2)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"!no terminator within 100 ms", "GOOD"}));
}

TEST_F(SerialScannerTest, TerminatorNoneFramesOnSilence) {
  start_pair({{"terminator", "none"s}, {"inter_char_timeout_ms", std::int64_t{80}}},
             {"--terminator", "none"});
  sim->send({"@split 2 ABCDEF", "@pause 250", "GHI"});
  ASSERT_TRUE(wait_events(2)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"ABCDEF", "GHI"}));
}

TEST_F(SerialScannerTest, SilentDeviceStaysConnectedAndQuiet) {
  start_pair();
  run_for(std::chrono::milliseconds(400));
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(scanner->health().state, HealthState::connected);
  sim->send("LATE");
  ASSERT_TRUE(wait_events(1));
  EXPECT_EQ(summary(), (std::vector<std::string>{"LATE"}));
}

TEST_F(SerialScannerTest, FollowsUnplugAndReplug) {
  start_pair();
  // One write() carries the scan and the partial one, so the driver holds "HALF" once it has
  // delivered "BEFORE" (a hangup discards bytes the driver has not read yet).
  sim->send({"@merge 2", "BEFORE", "@raw HALF"});
  ASSERT_TRUE(wait_events(1)) << ::testing::PrintToString(summary());
  sim->send("@unplug");
  // The driver names the path it opened (the --link symlink); a closed pty master reads as EOF.
  // Each step is looked up in the recorded history: the current state may already be the next one.
  ASSERT_TRUE(
      wait_health_seen(HealthState::disconnected, "read error on " + dir.file("ttyScanner0")))
      << scanner->health().reason;
  ASSERT_TRUE(
      wait_health_seen(HealthState::disconnected, "no device matches " + dir.file("ttyScanner*")))
      << scanner->health().reason;
  sim->send(std::vector<std::string>{"@replug", "AFTER"});
  ASSERT_TRUE(wait_health(HealthState::connected)) << scanner->health().reason;
  ASSERT_TRUE(wait_events(3)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"BEFORE", "!incomplete scan at disconnect",
                                                 "AFTER"}));
}

TEST_F(SerialScannerTest, AbsentDeviceIsDisconnectedAndPickedUpWhenItAppears) {
  start("serial", settings({{"path", dir.file("ttyLate*")},
                            {"reconnect_initial_ms", std::int64_t{20}},
                            {"reconnect_max_ms", std::int64_t{100}}}));
  ASSERT_TRUE(wait_health(HealthState::disconnected, "no device matches " + dir.file("ttyLate*")))
      << scanner->health().reason;
  sim = std::make_unique<ScannerSim>(scanner_sim_script(),
                                     std::vector<std::string>{"--pty", "--link",
                                                              dir.file("ttyLate0")},
                                     dir);
  sim->send("HELLO");
  ASSERT_TRUE(wait_health(HealthState::connected));
  ASSERT_TRUE(wait_events(1));
  EXPECT_EQ(summary(), (std::vector<std::string>{"HELLO"}));
}

TEST_F(SerialScannerTest, NonTtyIsFaultedWithReason) {
  const auto path = dir.file("not-a-tty");
  std::ofstream(path) << "x";
  start("serial", settings({{"path", path}, {"reconnect_initial_ms", std::int64_t{20}}}));
  // asio's open() already reads the termios, so a non-tty fails there, not at set_option.
  ASSERT_TRUE(wait_health(HealthState::faulted,
                          "cannot open " + path + ": Inappropriate ioctl for device"))
      << scanner->health().reason;
}

TEST_F(SerialScannerTest, BadConfigIsFaulted) {
  start("serial", settings({{"path", "/dev/null"s}, {"terminator", "semicolon"s}}));
  EXPECT_EQ(scanner->health().state, HealthState::faulted);
  EXPECT_EQ(scanner->health().reason,
            "bad terminator 'semicolon': expected cr, lf, crlf, any, none or byte:0xNN");
}

TEST_F(SerialScannerTest, StopEndsDeliveryAndUnknownDriverIsNull) {
  start_pair();
  sim->send("ONE");
  ASSERT_TRUE(wait_events(1));
  scanner->stop();
  sim->send("TWO");
  ASSERT_TRUE(wait([&] { return sim->sent() >= 2; }));
  run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(events.size(), 1u);
  EXPECT_EQ(drivers::scanner::make_scanner(io.get_executor(), "x", "hidraw", {}), nullptr);
}

}  // namespace
}  // namespace wedge::test
