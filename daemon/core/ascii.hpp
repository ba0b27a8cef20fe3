// ASCII text helpers for protocol tokens (host names, URI schemes, media types, auth schemes),
// which compare without case in ASCII only, whatever the locale. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace wedge::core {

inline std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace wedge::core
