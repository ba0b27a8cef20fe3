// LightPatterns: the named signal patterns of a light tower / buzzer, from config with defaults.
//
// A pattern switches a set of coils on (all others off), optionally blinks them (on blink_ms, off
// blink_ms) and optionally ends after duration_ms, when the tower returns to the idle pattern
// (all off unless idle_pattern names another). Defaults, for the common tower wiring
// coil 0 red, 1 amber, 2 green, 3 buzzer, used unless config redefines the name:
//   accepted  {coils [2],    duration 1500 ms}
//   rejected  {coils [0, 3], duration 3000 ms}
//   attention {coils [1],    blink 500 ms, stays}
//   offline   {coils [0, 1], blink 1000 ms, stays}
//   off       {coils [],     stays}
// Pure value types; thread-agnostic.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::drivers {
class Settings;
}

namespace wedge::drivers::light {

struct LightPattern {
  std::vector<int> coils;              // indices 0..coil_count-1 switched on
  std::chrono::milliseconds duration{0};  // 0 = stay until the next signal
  std::chrono::milliseconds blink{0};     // 0 = steady
};

class LightPatterns {
 public:
  // Defaults only.
  LightPatterns();
  // Defaults, overridden/extended by the `patterns` table; coil indices outside
  // [0, coil_count) are dropped with a logged error (`device` names the device in the log).
  static LightPatterns from_settings(const Settings& settings, int coil_count,
                                     std::string_view device);

  const LightPattern* find(std::string_view name) const;
  void set(std::string name, LightPattern pattern);
  std::vector<std::string> names() const;

 private:
  std::map<std::string, LightPattern, std::less<>> patterns_;
};

// Coil states (0/1 per coil) for `pattern` in its on phase (`lit`) or off phase.
std::vector<std::uint8_t> coil_states(const LightPattern& pattern, int coil_count, bool lit);

}  // namespace wedge::drivers::light
