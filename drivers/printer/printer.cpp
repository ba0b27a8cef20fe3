#include "drivers/printer/printer.hpp"

namespace wedge::drivers {

std::string_view to_string(PrintError error) noexcept {
  switch (error) {
    case PrintError::not_ready: return "not_ready";
    case PrintError::io: return "io";
    case PrintError::busy: return "busy";
    case PrintError::stopped: return "stopped";
  }
  return "unknown";
}

}  // namespace wedge::drivers
