// Keyboard layouts for the evdev scanner driver, kept as data.
//
// evdev reports key *positions* (KEY_A is the key where a US keyboard has "a"), bypassing the host
// keymap, so scans are decoded with the layout the scanner emulates. Set scanners to "USA" and use
// layout "us". A layout maps a key code to its unshifted and shifted character; letters (a-z in the
// unshifted column) also follow Caps Lock. Keypad keys are decoded as if Num Lock were on.
// Immutable tables; any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace wedge::drivers::scanner {

struct KeyMapping {
  std::uint16_t code;  // linux/input-event-codes.h KEY_*
  char normal;
  char shifted;
};

struct KeyLayout {
  std::string_view name;
  std::span<const KeyMapping> keys;

  // nullptr when the key produces no character in this layout.
  const KeyMapping* find(std::uint16_t code) const;
};

// nullptr for an unknown layout name. Known: "us".
const KeyLayout* find_layout(std::string_view name);

}  // namespace wedge::drivers::scanner
