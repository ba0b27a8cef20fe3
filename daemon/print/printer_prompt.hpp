// What the packer reads while a label waits for its printer: the fault and what to do, and that
// the label then prints by itself (the print queue sends it as soon as the printer is ready). The
// sentences are documented in docs/workflows.md ("Pack", step 3). Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace wedge::print {

inline constexpr std::string_view kPrintsByItself = "the label prints by itself.";

// `reason`: the printer driver's reason for the wait, as ~HS / ~HQES faults are named there
// ("paper out", "head open, ribbon out", "connection refused", …). The first fault the packer can
// fix names the prompt; anything else is shown as it is.
[[nodiscard]] std::string printer_fault_prompt(std::string_view reason);

}  // namespace wedge::print
