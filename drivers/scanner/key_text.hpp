// KeyText: the characters a scan's key strokes give in a keyboard layout, and whether they look
// like a layout mismatch (the scanner emulating a different keyboard from the one configured).
//
// A mismatch is reported when the keys give what barcode data never holds:
// - a character outside printable ASCII from a layout key (AZERTY "é", German "ß", "§");
// - a dead key that composes no barcode character, or ends the scan;
// - no digit in the whole scan, but four or more digit-row keys that give digits at the other Shift
//   state (an AZERTY scanner read as QWERTY gives "!@#$", a QWERTY one read as AZERTY "&\"'(").
// y/z swapped between QWERTY and QWERTZ gives valid characters and cannot be seen here; the GS1
// check digit of the scan catches it at the station.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "drivers/scanner/key_layout.hpp"

namespace wedge::drivers::scanner {

// One key press of a scan: a layout key at a level, or literal text (GS from Ctrl+], an Alt code).
struct KeyStroke {
  std::uint16_t code = 0;
  KeyLevel level = kLevelPlain;
  bool caps_lock = false;
  std::string literal;  // non-empty: this text, whatever the layout
};

struct KeyText {
  std::string text;
  std::string problem;    // empty when the keys decode cleanly
  bool mismatch = false;  // the problem looks like a wrong layout (not just an unknown key)
  bool clean() const noexcept { return problem.empty(); }
};

[[nodiscard]] KeyText decode_keys(std::span<const KeyStroke> strokes, const KeyLayout& layout);

inline constexpr std::string_view kLayoutMismatchPrefix = "keyboard layout mismatch: ";

// The reject reason for strokes that did not decode cleanly with `layout`:
// "keyboard layout mismatch: <problem> with layout <name>; the keys decode cleanly with layout
// <a>, <b>" (or "; no known layout decodes them cleanly") when the problem looks like a wrong
// layout or another layout decodes them; otherwise the problem itself ("unmapped key code N").
[[nodiscard]] std::string reject_reason(std::span<const KeyStroke> strokes, const KeyLayout& layout,
                                        const KeyText& result);

}  // namespace wedge::drivers::scanner
