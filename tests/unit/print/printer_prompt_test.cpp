// printer_fault_prompt: each printer fault the packer can fix says what to do; anything else shows
// the driver's reason.
#include <gtest/gtest.h>

#include "daemon/print/printer_prompt.hpp"

namespace wedge::print {
namespace {

TEST(PrinterPrompt, EachFaultTellsThePackerTheFix) {
  EXPECT_EQ(printer_fault_prompt("paper out"), "Printer out of paper — refill it, the label prints by itself.");
  EXPECT_EQ(printer_fault_prompt("ribbon out"), "Printer out of ribbon — replace it, the label prints by itself.");
  EXPECT_EQ(printer_fault_prompt("head open"), "Printer head open — close it, the label prints by itself.");
  EXPECT_EQ(printer_fault_prompt("paused"), "Printer paused — press its pause button, the label prints by itself.");
  // Several faults at once: the first in the list above.
  EXPECT_EQ(printer_fault_prompt("head open, paper out"),
            "Printer out of paper — refill it, the label prints by itself.");
  EXPECT_EQ(printer_fault_prompt("connection refused"),
            "Printer not ready (connection refused) — check it, the label prints by itself.");
  EXPECT_EQ(printer_fault_prompt(""), "Printer not ready — check it, the label prints by itself.");
}

}  // namespace
}  // namespace wedge::print
