// libFuzzer target: parse_mtsics_line must accept any bytes without crashing, and every reply it
// does not call invalid must be self-consistent (a weight has a finite value and a unit).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "drivers/scale/mtsics_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wedge::drivers::scale;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto reply = parse_mtsics_line(line);
  if (reply.status == MtSicsStatus::stable || reply.status == MtSicsStatus::dynamic) {
    if (!std::isfinite(reply.value) || reply.unit.empty() || reply.command.empty()) std::abort();
  }
  if (reply.status == MtSicsStatus::invalid && reply.reason.empty()) std::abort();
  return 0;
}
