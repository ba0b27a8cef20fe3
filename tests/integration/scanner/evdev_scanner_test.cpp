// evdev keyboard-wedge scanner fed with real `struct input_event` records through a FIFO.
#include <fcntl.h>
#include <linux/input.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "drivers/scanner/key_decoder.hpp"
#include "drivers/scanner/key_layout.hpp"
#include "tests/integration/scanner/scanner_fixture.hpp"

namespace wedge::test {
namespace {

using namespace std::string_literals;
using drivers::HealthState;

constexpr std::uint16_t kShift = 42, kCtrl = 29, kAlt = 56, kEnter = 28;

// Builds event streams the way a US keyboard-wedge scanner sends them.
class EventStream {
 public:
  void event(std::uint16_t type, std::uint16_t code, std::int32_t value) {
    input_event ev{};
    ev.type = type;
    ev.code = code;
    ev.value = value;
    bytes_.append(reinterpret_cast<const char*>(&ev), sizeof ev);
  }
  void key(std::uint16_t code, std::int32_t value) {
    event(EV_MSC, MSC_SCAN, 0x70000 + code);  // real keyboards send a scan code first
    event(EV_KEY, code, value);
    event(EV_SYN, SYN_REPORT, 0);
  }
  void tap(std::uint16_t code) { key(code, 1), key(code, 0); }
  void text(std::string_view text) {
    const auto* us = drivers::scanner::find_layout("us");
    for (const char c : text) {
      for (const auto& k : us->keys) {
        if (k.normal == c) {
          tap(k.code);
          break;
        }
        if (k.shifted == c) {
          key(kShift, 1), tap(k.code), key(kShift, 0);
          break;
        }
      }
    }
  }
  void ctrl_gs() { key(kCtrl, 1), tap(27), key(kCtrl, 0); }
  void alt_gs() { key(kAlt, 1), tap(82), tap(80), tap(73), key(kAlt, 0); }
  void enter() { tap(kEnter); }
  std::string take() { return std::exchange(bytes_, {}); }

 private:
  std::string bytes_;
};

class EvdevScannerTest : public ScannerFixture {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir.file("by-id"));
    path = dir.file("by-id/usb-Test_Wedge_Scanner-event-kbd");
  }
  void TearDown() override {
    ScannerFixture::TearDown();
    if (writer >= 0) ::close(writer);
  }

  // "Plugs in" the device: a FIFO with a writer appears atomically under the by-id name.
  void plug() {
    const auto tmp = dir.file("fifo.tmp");
    ASSERT_EQ(::mkfifo(tmp.c_str(), 0600), 0);
    writer = ::open(tmp.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(writer, 0);
    ASSERT_EQ(std::rename(tmp.c_str(), path.c_str()), 0);
  }
  void unplug() {
    ::unlink(path.c_str());
    ::close(writer);
    writer = -1;
  }
  // Writes in uneven chunks so records are split across reads.
  void write_split(const std::string& bytes, std::size_t chunk = 17) {
    for (std::size_t i = 0; i < bytes.size(); i += chunk) {
      const auto n = std::min(chunk, bytes.size() - i);
      ASSERT_EQ(::write(writer, bytes.data() + i, n), static_cast<ssize_t>(n));
      io.restart();
      io.run_for(std::chrono::milliseconds(1));
    }
  }
  void start_driver(std::vector<std::pair<std::string, drivers::Value>> extra = {}) {
    std::vector<std::pair<std::string, drivers::Value>> values = {
        {"path", dir.file("by-id/usb-*-event-kbd")},
        {"grab", false},
        {"reconnect_initial_ms", std::int64_t{20}},
        {"reconnect_max_ms", std::int64_t{100}},
    };
    values.insert(values.end(), extra.begin(), extra.end());
    start("evdev", settings(values));
  }

  std::string path;
  int writer = -1;
  EventStream keys;
};

TEST_F(EvdevScannerTest, DecodesShiftGsSequencesAndKeyRepeat) {
  plug();
  start_driver();
  ASSERT_TRUE(wait_health(HealthState::connected)) << scanner->health().reason;
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
  plug();
  start_driver({{"inter_char_timeout_ms", std::int64_t{100}}});
  ASSERT_TRUE(wait_health(HealthState::connected));
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
  plug();
  start_driver({{"max_length", std::int64_t{10}}});
  ASSERT_TRUE(wait_health(HealthState::connected));
  keys.text("0123456789ABCDEF");
  keys.enter();
  keys.text("OK");
  keys.enter();
  write_split(keys.take(), 4096);
  ASSERT_TRUE(wait_events(2));
  EXPECT_EQ(summary(), (std::vector<std::string>{"!too long (16 > max 10)", "OK"}));
}

TEST_F(EvdevScannerTest, FollowsUnplugAndReplug) {
  plug();
  start_driver();
  ASSERT_TRUE(wait_health(HealthState::connected));
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
  plug();
  start_driver();
  ASSERT_TRUE(wait_health(HealthState::connected));
  run_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(scanner->health().state, HealthState::connected);
}

}  // namespace
}  // namespace wedge::test
