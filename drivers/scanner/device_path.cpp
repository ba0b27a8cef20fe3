#include "drivers/scanner/device_path.hpp"

#include <glob.h>

#include <fmt/format.h>

namespace wedge::drivers::scanner {

std::optional<std::string> resolve_device_path(const std::string& pattern) {
  glob_t matches{};
  std::optional<std::string> result;
  // GLOB_NOCHECK is not used: a pattern without a match must read as "absent", not as a path.
  if (::glob(pattern.c_str(), GLOB_ERR, nullptr, &matches) == 0 && matches.gl_pathc > 0)
    result = matches.gl_pathv[0];
  ::globfree(&matches);
  return result;
}

std::string no_device_reason(const std::string& pattern) {
  return fmt::format("no device matches {}", pattern);
}

}  // namespace wedge::drivers::scanner
