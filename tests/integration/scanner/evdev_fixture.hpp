// The evdev scanner fixture: a FIFO under a by-id name fed with real `struct input_event` records,
// and EventStream, which types text the way a keyboard-wedge scanner set to a given layout does.
#pragma once

#include <fcntl.h>
#include <linux/input.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "drivers/scanner/key_decoder.hpp"
#include "drivers/scanner/key_layout.hpp"
#include "tests/integration/scanner/scanner_fixture.hpp"

namespace wedge::test {

constexpr std::uint16_t kShift = 42, kCtrl = 29, kAlt = 56, kAltGr = 100, kEnter = 28, kSpace = 57;

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
  // Types UTF-8 `text` (ASCII here) on `layout` with the fewest modifiers, or through a dead key
  // and space where the layout composes the character; false when the layout cannot type it.
  bool text(std::string_view text, const drivers::scanner::KeyLayout& layout) {
    for (const char c : text)
      if (!type(std::string(1, c), layout)) return false;
    return true;
  }
  void text(std::string_view us_text) { (void)text(us_text, *drivers::scanner::find_layout("us")); }
  void stroke(std::uint16_t code, unsigned level) {
    if (level & 2) key(kAltGr, 1);
    if (level & 1) key(kShift, 1);
    tap(code);
    if (level & 1) key(kShift, 0);
    if (level & 2) key(kAltGr, 0);
  }
  void ctrl_gs() { key(kCtrl, 1), tap(27), key(kCtrl, 0); }
  void alt_gs() { key(kAlt, 1), tap(82), tap(80), tap(73), key(kAlt, 0); }
  void enter() { tap(kEnter); }
  std::string take() { return std::exchange(bytes_, {}); }

 private:
  bool type(const std::string& c, const drivers::scanner::KeyLayout& layout) {
    // Scanners type digits on the digit row, not the keypad.
    const auto keypad = [](std::uint16_t code) {
      return code == 55 || code == 98 || (code >= 71 && code <= 83);
    };
    for (unsigned level = 0; level < 4; ++level)
      for (const auto& k : layout.keys())
        if (!keypad(k.code) && k.levels[level].text == c) {
          stroke(k.code, level);
          return true;
        }
    for (unsigned level = 0; level < 4; ++level)
      for (const auto& k : layout.keys())
        if (!k.levels[level].dead.empty() && layout.compose(k.levels[level].dead, " ") == c) {
          stroke(k.code, level);
          tap(kSpace);
          return true;
        }
    return false;
  }

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
  // The keyboard plugged in and the driver started with `extra`: true once it is connected.
  bool plug_and_connect(std::vector<std::pair<std::string, drivers::Value>> extra = {}) {
    plug();
    start_driver(std::move(extra));
    return wait_health(drivers::HealthState::connected);
  }

  std::string path;
  int writer = -1;
  EventStream keys;
};

}  // namespace wedge::test
