// A label that waits for a printer fault (issue 20 item 5): the pack screen's prompt names the
// fault and what to do, the light shows attention, and the label prints by itself once the
// printer simulator reports the fault cleared.
#include <gtest/gtest.h>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

TEST(PrinterWait, PaperOutIsOnThePackPromptAndTheLight) {
  StationEnv env;
  env.pick_list("O-P1");
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-P1"; }));
  env.pick_all();
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  env.printer().set("paper-out", true);
  ASSERT_TRUE(env.run_until([&] {
    return env.devices().printer("printer-1")->health().state == drivers::HealthState::faulted;
  }));
  env.set_weight(725);
  EXPECT_EQ(env.scan("O-P1").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-P1", "weight.ok"));
  const std::string expected = "Printer out of paper — refill it, the label prints by itself.";
  ASSERT_TRUE(env.run_until([&] { return env.snap().prompt == expected; })) << env.snap().prompt;
  EXPECT_EQ(env.snap().phase, "label");
  EXPECT_EQ(env.devices().light("light-1")->current_pattern(), "attention");
  EXPECT_TRUE(env.events_of("O-P1", "label.printed").empty());
  EXPECT_TRUE(env.events_of("O-P1", "label.failed").empty());

  env.printer().set("paper-out", false);
  ASSERT_TRUE(env.wait_event("O-P1", "label.printed"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "verify"; }));
  EXPECT_EQ(env.snap().prompt, "Scan the shipping label to verify it.");
  EXPECT_EQ(env.printer().count(), 1);
}

}  // namespace
}  // namespace wedge::test
