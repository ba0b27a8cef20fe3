#include "drivers/light/light_patterns.hpp"

#include <spdlog/spdlog.h>

#include "drivers/common/settings.hpp"

namespace wedge::drivers::light {

using std::chrono::milliseconds;

LightPatterns::LightPatterns() {
  patterns_["accepted"] = {{2}, milliseconds(1500), milliseconds(0)};
  patterns_["rejected"] = {{0, 3}, milliseconds(3000), milliseconds(0)};
  patterns_["attention"] = {{1}, milliseconds(0), milliseconds(500)};
  patterns_["offline"] = {{0, 1}, milliseconds(0), milliseconds(1000)};
  patterns_["off"] = {{}, milliseconds(0), milliseconds(0)};
}

LightPatterns LightPatterns::from_settings(const Settings& settings, int coil_count,
                                           std::string_view device) {
  LightPatterns patterns;
  for (const auto& [name, entry] : settings.table("patterns")) {
    LightPattern pattern;
    for (auto coil : entry.get_int_list("coils")) {
      if (coil < 0 || coil >= coil_count) {
        spdlog::error("device={} pattern {}: coil {} outside 0..{}, ignored", device, name, coil,
                      coil_count - 1);
        continue;
      }
      pattern.coils.push_back(static_cast<int>(coil));
    }
    pattern.duration = milliseconds(entry.get_int("duration_ms"));
    pattern.blink = milliseconds(entry.get_int("blink_ms"));
    patterns.set(name, std::move(pattern));
  }
  return patterns;
}

const LightPattern* LightPatterns::find(std::string_view name) const {
  auto it = patterns_.find(name);
  return it == patterns_.end() ? nullptr : &it->second;
}

void LightPatterns::set(std::string name, LightPattern pattern) {
  patterns_[std::move(name)] = std::move(pattern);
}

std::vector<std::string> LightPatterns::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : patterns_) out.push_back(name);
  return out;
}

std::vector<std::uint8_t> coil_states(const LightPattern& pattern, int coil_count, bool lit) {
  std::vector<std::uint8_t> states(static_cast<std::size_t>(coil_count > 0 ? coil_count : 0), 0);
  if (!lit) return states;
  for (int coil : pattern.coils)
    if (coil >= 0 && coil < coil_count) states[static_cast<std::size_t>(coil)] = 1;
  return states;
}

}  // namespace wedge::drivers::light
