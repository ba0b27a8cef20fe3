// Every keyboard layout end to end: a scanner set to that layout types a GS1 element string holding
// every punctuation character of the GS1 82-character set as real `struct input_event` records into
// the evdev driver's FIFO; the driver configured with the same layout must deliver it exactly, and
// configured with the US layout must reject the AZERTY and QWERTZ ones as a layout mismatch.
#include "tests/integration/scanner/evdev_fixture.hpp"

#include "drivers/scanner/key_text.hpp"

namespace wedge::test {
namespace {

using drivers::HealthState;
using drivers::scanner::all_layouts;
using drivers::scanner::find_layout;

// (01) GTIN, (10) lot with every GS1 punctuation character, GS, (21) serial with letters.
constexpr std::string_view kGs1Head = "0109501234567890";
constexpr std::string_view kGs1Lot = "10AZaz!\"%&'()*+,-./:;<=>?_";
constexpr std::string_view kGs1Serial = "21QWERTYzxy";

class EvdevLayoutTest : public EvdevScannerTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(EvdevLayoutTest, DecodesGs1StringTypedOnTheLayout) {
  const auto* layout = find_layout(GetParam());
  ASSERT_NE(layout, nullptr);
  plug();
  start_driver({{"layout", GetParam()}});
  ASSERT_TRUE(wait_health(HealthState::connected)) << scanner->health().reason;
  ASSERT_TRUE(keys.text(kGs1Head, *layout));
  ASSERT_TRUE(keys.text(kGs1Lot, *layout)) << GetParam() << " cannot type the lot";
  keys.ctrl_gs();
  ASSERT_TRUE(keys.text(kGs1Serial, *layout));
  keys.enter();
  write_split(keys.take(), 24 * 5);
  ASSERT_TRUE(wait_events(1));
  EXPECT_EQ(summary(), std::vector<std::string>{std::string(kGs1Head) + std::string(kGs1Lot) +
                                                "\x1d" + std::string(kGs1Serial)});
}

std::vector<std::string> layout_names() {
  std::vector<std::string> names;
  for (const auto& layout : all_layouts()) names.push_back(layout.name());
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, EvdevLayoutTest, ::testing::ValuesIn(layout_names()),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (auto& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST_F(EvdevScannerTest, AzertyAndQwertzScannersReadAsUsAreLayoutMismatches) {
  plug();
  start_driver({{"layout", std::string("us")}});
  ASSERT_TRUE(wait_health(HealthState::connected));
  ASSERT_TRUE(keys.text("0109501234567890", *find_layout("fr")));  // digits with Shift
  keys.enter();
  ASSERT_TRUE(keys.text("10AB<>", *find_layout("de")));  // "<" on the 102nd key, absent in US
  keys.enter();
  keys.text("0109501234567890");  // and the scanner set to US is read cleanly
  keys.enter();
  write_split(keys.take(), 24 * 5);
  ASSERT_TRUE(wait_events(3)) << ::testing::PrintToString(summary());
  EXPECT_EQ(events[0].reason.rfind(drivers::scanner::kLayoutMismatchPrefix, 0), 0u) << events[0].reason;
  EXPECT_NE(events[0].reason.find("fr"), std::string::npos) << events[0].reason;
  EXPECT_EQ(events[1].reason,
            "keyboard layout mismatch: unmapped key code 86 with layout us; the keys decode cleanly "
            "with layout us-intl, uk, de, de-nodeadkeys, ch-de");
  EXPECT_EQ(events[2].data, "0109501234567890");
}

}  // namespace
}  // namespace wedge::test
