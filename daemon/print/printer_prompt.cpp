// printer_prompt.hpp: the printer fault a waiting label shows on the pack screen.
#include "daemon/print/printer_prompt.hpp"

#include <array>

namespace wedge::print {
namespace {

struct Fault {
  std::string_view reason;  // as drivers/printer names it (hs_status.cpp, hqes_status.cpp)
  std::string_view prompt;  // what the packer sees, before ", the label prints by itself."
};

constexpr std::array kFaults = {
    Fault{"paper out", "Printer out of paper — refill it"},
    Fault{"ribbon out", "Printer out of ribbon — replace it"},
    Fault{"head open", "Printer head open — close it"},
    Fault{"paused", "Printer paused — press its pause button"},
};

}  // namespace

std::string printer_fault_prompt(std::string_view reason) {
  for (const auto& fault : kFaults)
    if (reason.find(fault.reason) != std::string_view::npos)
      return std::string(fault.prompt) + ", " + std::string(kPrintsByItself);
  const std::string what = reason.empty() ? "Printer not ready" : "Printer not ready (" + std::string(reason) + ")";
  return what + " — check it, " + std::string(kPrintsByItself);
}

}  // namespace wedge::print
