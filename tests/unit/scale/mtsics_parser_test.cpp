#include "drivers/scale/mtsics_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wedge::drivers::scale {
namespace {

struct Case {
  std::string line;
  MtSicsStatus status;
  std::string command;
  double value;
  std::string unit;
  std::string reason;  // expected exactly when not empty
};

TEST(MtSicsParser, Table) {
  const std::vector<Case> cases = {
      {"S S     100.00 g\r\n", MtSicsStatus::stable, "S", 100.0, "g", ""},
      {"S S     100.00 g", MtSicsStatus::stable, "S", 100.0, "g", ""},
      {"S D      99.50 g\r\n", MtSicsStatus::dynamic, "S", 99.5, "g", ""},
      {"S S      -0.25 kg", MtSicsStatus::stable, "S", -0.25, "kg", ""},
      {"SI S 12 g", MtSicsStatus::stable, "SI", 12.0, "g", ""},
      {"T S      12.00 g", MtSicsStatus::stable, "T", 12.0, "g", ""},
      {"S +", MtSicsStatus::overload, "S", 0, "", "S +: overload (above the weighing range)"},
      {"S -", MtSicsStatus::underload, "S", 0, "", "S -: underload (below the weighing range)"},
      {"S I", MtSicsStatus::not_executable, "S", 0, "", "S I: command not executable now"},
      {"Z I", MtSicsStatus::not_executable, "Z", 0, "", "Z I: command not executable now"},
      {"Z L", MtSicsStatus::bad_parameter, "Z", 0, "", "Z L: parameter wrong or out of range"},
      {"Z A", MtSicsStatus::ack, "Z", 0, "", ""},
      {"TAC A", MtSicsStatus::ack, "TAC", 0, "", ""},
      {"ES", MtSicsStatus::syntax_error, "", 0, "", "ES: syntax error (command not understood)"},
      {"ET\r\n", MtSicsStatus::transmission_error, "", 0, "",
       "ET: transmission error (parity or framing)"},
      {"EL", MtSicsStatus::logical_error, "", 0, "", "EL: logical error (parameter not allowed)"},
      // Garbage of every shape.
      {"", MtSicsStatus::invalid, "", 0, "", "empty line"},
      {"   \r\n", MtSicsStatus::invalid, "", 0, "", "empty line"},
      {"S", MtSicsStatus::invalid, "", 0, "", "no status in \"S\""},
      {"S X 1 g", MtSicsStatus::invalid, "", 0, "", "unknown status in \"S X 1 g\""},
      {"S S", MtSicsStatus::invalid, "", 0, "", "expected value and unit in \"S S\""},
      {"S S 100.00", MtSicsStatus::invalid, "", 0, "", "expected value and unit in \"S S 100.00\""},
      {"S S abc g", MtSicsStatus::invalid, "", 0, "", "bad weight value in \"S S abc g\""},
      {"S S 1.2.3 g", MtSicsStatus::invalid, "", 0, "", "bad weight value in \"S S 1.2.3 g\""},
      {"S S +5 g", MtSicsStatus::invalid, "", 0, "", "bad weight value in \"S S +5 g\""},
      {"S S 5 g2", MtSicsStatus::invalid, "", 0, "", "bad unit in \"S S 5 g2\""},
      {"S S 5 g extra", MtSicsStatus::invalid, "", 0, "",
       "expected value and unit in \"S S 5 g extra\""},
      {"S + 5", MtSicsStatus::invalid, "", 0, "",
       "unexpected fields after status in \"S + 5\""},
      {"s s 5 g", MtSicsStatus::invalid, "", 0, "", "bad reply id in \"s s 5 g\""},
      {"S SS 5 g", MtSicsStatus::invalid, "", 0, "", "bad status in \"S SS 5 g\""},
      {"TOOLONGID S 5 g", MtSicsStatus::invalid, "", 0, "",
       "reply id too long in \"TOOLONGID S 5 g\""},
      {std::string("S S \x00\xff g", 8), MtSicsStatus::invalid, "", 0, "",
       "control or non-ASCII byte in \"S S \\x00\\xFF g\""},
      {std::string(300, 'A'), MtSicsStatus::invalid, "", 0, "", "line too long (300 bytes)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("line: " + c.line);
    const auto reply = parse_mtsics_line(c.line);
    EXPECT_EQ(reply.status, c.status) << to_string(reply.status) << " " << reply.reason;
    EXPECT_EQ(reply.command, c.status == MtSicsStatus::invalid ? "" : c.command);
    if (c.status == MtSicsStatus::stable || c.status == MtSicsStatus::dynamic) {
      EXPECT_DOUBLE_EQ(reply.value, c.value);
      EXPECT_EQ(reply.unit, c.unit);
    }
    if (!c.reason.empty()) {
      EXPECT_EQ(reply.reason, c.reason);
    }
  }
}

TEST(MtSicsParser, AckKeepsFields) {
  const auto reply = parse_mtsics_line("I4 A \"0123456789\"\r\n");
  EXPECT_EQ(reply.status, MtSicsStatus::ack);
  EXPECT_EQ(reply.command, "I4");
  EXPECT_EQ(reply.fields, "\"0123456789\"");
}

TEST(MtSicsParser, Units) {
  EXPECT_DOUBLE_EQ(*mtsics_unit_grams("g"), 1.0);
  EXPECT_DOUBLE_EQ(*mtsics_unit_grams("kg"), 1000.0);
  EXPECT_DOUBLE_EQ(*mtsics_unit_grams("mg"), 0.001);
  EXPECT_DOUBLE_EQ(*mtsics_unit_grams("lb"), 453.59237);
  EXPECT_FALSE(mtsics_unit_grams("furlong").has_value());
}

TEST(MtSicsParser, EveryByteAloneNeverCrashes) {
  for (int b = 0; b < 256; ++b) {
    const std::string line(1, static_cast<char>(b));
    const auto reply = parse_mtsics_line(line);
    EXPECT_EQ(reply.status, MtSicsStatus::invalid) << b;
  }
}

}  // namespace
}  // namespace wedge::drivers::scale
