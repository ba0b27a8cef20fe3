// systemd/60-wedge.rules: every line is well-formed udev syntax (udevadm is absent from build
// machines and Debian 12's lacks `udevadm verify`), and each scanner maker's USB vendor id has both a
// serial (tty) rule and a keyboard-wedge (input) rule, so no maker is half covered.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> rule_lines() {
  std::ifstream in(std::string(WEDGE_SOURCE_DIR) + "/systemd/60-wedge.rules");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  return lines;
}

TEST(UdevRules, EveryLineIsKeyOperatorQuotedValue) {
  const auto lines = rule_lines();
  ASSERT_FALSE(lines.empty());
  // KEY or KEY{attr}, an operator, a double-quoted value; pairs joined by ", ".
  const std::string pair = R"re([A-Z_]+(\{[A-Za-z_]+\})?(==|!=|\+=|:=|=)"[^"]*")re";
  const std::regex line_re("^" + pair + "(, " + pair + ")*$");
  for (const auto& line : lines) EXPECT_TRUE(std::regex_match(line, line_re)) << line;
}

TEST(UdevRules, EachScannerVendorHasTtyAndInputRules) {
  std::ostringstream text;
  for (const auto& line : rule_lines()) text << line << '\n';
  const auto rules = text.str();
  // Honeywell (Metrologic, Hand Held Products), Zebra/Symbol, Datalogic (PSC, S.p.A.), Newland, Code.
  for (const char* vendor : {"0c2e", "0536", "05e0", "05f9", "080c", "1eab", "0d2a"}) {
    const std::string id = std::string("ATTRS{idVendor}==\"") + vendor + "\"";
    EXPECT_NE(rules.find("SUBSYSTEM==\"tty\", " + id + ", SYMLINK+=\"wedge/scanner-"),
              std::string::npos) << vendor;
    EXPECT_NE(rules.find("SUBSYSTEM==\"input\", KERNEL==\"event*\", " + id + ", GROUP=\"input\""),
              std::string::npos) << vendor;
  }
}

}  // namespace
