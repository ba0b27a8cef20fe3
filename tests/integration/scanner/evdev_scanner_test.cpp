// evdev keyboard-wedge scanner fed with real `struct input_event` records through a FIFO.
#include "tests/integration/scanner/evdev_fixture.hpp"

namespace wedge::test {
namespace {

using namespace std::string_literals;
using drivers::HealthState;

TEST_F(EvdevScannerTest, DecodesShiftGsSequencesAndKeyRepeat) {
  ASSERT_TRUE(plug_and_connect()) << scanner->health().reason;
  keys.text("]C1010950123456789017");
  keys.ctrl_gs();
  keys.text("10AbC-7");
  keys.enter();
  keys.text("]d2010950123456789017");
  keys.alt_gs();
  keys.text("21Serial/9");
  keys.enter();
  keys.key(5, 1);  // '4' held long enough for the kernel to autorepeat it
  keys.key(5, 2);
  keys.key(5, 2);
  keys.key(5, 0);
  keys.text("2!");
  keys.enter();
  write_split(keys.take());
  ASSERT_TRUE(wait_events(3)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"010950123456789017\x1d" "10AbC-7",
                                                 "010950123456789017\x1d" "21Serial/9", "42!"}));
  EXPECT_EQ(events[0].symbology, "gs1-128");
  EXPECT_EQ(events[1].symbology, "gs1-datamatrix");
  EXPECT_EQ(events[1].aim_id, "]d2");
}

TEST_F(EvdevScannerTest, SynDroppedAndUnterminatedScansAreRejected) {
  ASSERT_TRUE(plug_and_connect({{"inter_char_timeout_ms", std::int64_t{100}}}));
  keys.text("GOOD1");
  keys.enter();
  keys.text("LOS");
  keys.event(EV_SYN, SYN_DROPPED, 0);
  keys.event(EV_SYN, SYN_REPORT, 0);
  keys.text("T");
  keys.enter();
  keys.text("GOOD2");
  keys.enter();
  keys.text("NOENTER");
  write_split(keys.take(), 24 * 3);
  ASSERT_TRUE(wait_events(4)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"GOOD1",
                                                 "!"s + drivers::scanner::kSynDroppedReason,
                                                 "GOOD2", "!no Enter within 100 ms"}));
}

TEST_F(EvdevScannerTest, OverlongScanIsRejected) {
  ASSERT_TRUE(plug_and_connect({{"max_length", std::int64_t{10}}}));
  keys.text("0123456789ABCDEF");
  keys.enter();
  keys.text("OK");
  keys.enter();
  write_split(keys.take(), 4096);
  ASSERT_TRUE(wait_events(2));
  EXPECT_EQ(summary(), (std::vector<std::string>{"!too long (16 > max 10)", "OK"}));
}

TEST_F(EvdevScannerTest, FollowsUnplugAndReplug) {
  ASSERT_TRUE(plug_and_connect());
  keys.text("FIRST");
  keys.enter();
  keys.text("HALF");
  write_split(keys.take());
  ASSERT_TRUE(wait_events(1));
  unplug();
  ASSERT_TRUE(wait_health(HealthState::disconnected,
                          "no device matches " + dir.file("by-id/usb-*-event-kbd")));
  bool saw_end = false;
  for (const auto& h : health)
    if (h.reason == "end of stream from " + path) saw_end = true;
  EXPECT_TRUE(saw_end);
  plug();
  ASSERT_TRUE(wait_health(HealthState::connected));
  keys.text("SECOND");
  keys.enter();
  write_split(keys.take());
  ASSERT_TRUE(wait_events(3)) << ::testing::PrintToString(summary());
  EXPECT_EQ(summary(), (std::vector<std::string>{"FIRST", "!incomplete scan at disconnect",
                                                 "SECOND"}));
}

TEST_F(EvdevScannerTest, GrabFailureIsFaultedWithReason) {
  plug();
  start_driver({{"grab", true}});
  ASSERT_TRUE(wait_health(HealthState::faulted, "cannot grab " + path + " (EVIOCGRAB): "))
      << scanner->health().reason;
  keys.text("NEVER");
  keys.enter();
  write_split(keys.take());
  run_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(events.empty());  // a device that cannot be grabbed is not read
}

TEST_F(EvdevScannerTest, SilentDeviceStaysConnected) {
  ASSERT_TRUE(plug_and_connect());
  run_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(scanner->health().state, HealthState::connected);
}

}  // namespace
}  // namespace wedge::test
