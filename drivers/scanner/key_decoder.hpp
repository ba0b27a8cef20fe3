// KeyDecoder: turns evdev key events from a USB keyboard-wedge scanner into scans.
//
// Contract:
// - Characters are produced on key press (value 1) only. Auto-repeat (value 2) never adds a
//   character, so a key the kernel thinks is held cannot double a digit. Releases only update
//   modifier state.
// - Shift (42/54), AltGr (RIGHTALT 100) and Caps Lock (58, toggles; letters only) are tracked here,
//   not by the host. The key strokes are decoded with the configured layout when the scan ends
//   (key_text.hpp), so a scan that looks typed on another layout is rejected as a layout mismatch
//   ("keyboard layout mismatch: …") naming the layouts that decode it cleanly.
// - GS (0x1D, or the configured gs_byte) comes from Ctrl+] (LEFTCTRL/RIGHTCTRL + the key at the US
//   "]" position, KEY_RIGHTBRACE 27, in every layout) or from an Alt code: Alt (left, or AltGr) held,
//   keypad digits typed, value emitted on Alt release (Alt+KP0 KP2 KP9 = 29 = GS). Alt codes 1-127
//   give that ASCII byte, 128-255 the Latin-1 character as UTF-8.
// - Enter (28) or keypad Enter (96), and Tab (15) when end_on_tab, end the scan.
// - SYN_DROPPED (kernel queue overflow) drops the partial scan; events are ignored up to the next
//   SYN_REPORT, and the scan in progress is rejected at its Enter, because keys of it were lost.
// - A key that maps to nothing (a function key, Ctrl+letter, an Alt code out of range) makes the scan
//   rejected ("unmapped key code N") rather than silently shortened.
// - A scan longer than max_length keys is rejected ("too long (N > max M)").
// Pure state machine, single-threaded; the evdev driver feeds it on the loop thread.
#pragma once

#include <linux/input.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "drivers/scanner/framer.hpp"
#include "drivers/scanner/key_layout.hpp"
#include "drivers/scanner/key_text.hpp"

namespace wedge::drivers::scanner {

struct KeyDecoderOptions {
  const KeyLayout* layout = nullptr;  // nullptr → "us"
  std::size_t max_length = 4096;
  char gs_byte = '\x1d';
  bool end_on_tab = false;
};

inline constexpr const char* kSynDroppedReason = "events dropped by the kernel (SYN_DROPPED)";

class KeyDecoder {
 public:
  explicit KeyDecoder(KeyDecoderOptions options = {});

  // Feeds one event. Returns a frame when the event ended a scan (good, or with a reject_reason).
  std::optional<Frame> feed(const input_event& event);

  // Ends the partial scan without Enter (the driver's inter-character timeout). nullopt when idle.
  std::optional<Frame> flush();

  bool has_partial() const noexcept { return length_ > 0 || corrupt_ || bad_key_ >= 0; }
  void reset();

 private:
  std::optional<Frame> on_key_press(std::uint16_t code);
  void on_alt_release();
  void push(KeyStroke stroke);
  void push_literal(unsigned value);
  Frame take_frame();

  KeyDecoderOptions options_;
  bool shift_left_ = false, shift_right_ = false;
  bool ctrl_left_ = false, ctrl_right_ = false;
  bool alt_left_ = false, alt_right_ = false;
  bool caps_lock_ = false;
  std::string alt_digits_;
  std::vector<KeyStroke> strokes_;  // up to max_length; decoded when the scan ends
  std::size_t length_ = 0;
  int bad_key_ = -1;               // first unmapped key code of this scan
  bool corrupt_ = false;           // SYN_DROPPED happened during this scan
  bool dropping_ = false;          // between SYN_DROPPED and the next SYN_REPORT
};

}  // namespace wedge::drivers::scanner
