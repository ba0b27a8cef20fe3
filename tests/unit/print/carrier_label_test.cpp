// Carrier labels (issue 20 item 3): every forbidden ZPL command is refused with a reason that names
// it, the structure rules hold, a good carrier label passes untouched, base64 is strict, and the
// list of docs/workflows.md ("Carrier labels") is exactly the list the check uses.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "daemon/print/carrier_label.hpp"

namespace wedge::print {
namespace {

// The commands the check must refuse, written out here rather than read from the code under test.
const std::vector<std::string> kExpectedForbidden = {
    "^DF", "^IS", "^ID", "^TO", "^CM", "^JB", "~DB", "~DE", "~DG", "~DN", "~DS", "~DT", "~DU", "~DY", "~EG",
    "^XF", "^XG", "^IL", "^IM", "^JU", "^JZ", "^JJ", "^JS", "^JT", "^JW", "^JH", "^JM", "^JI", "^KC", "^KD",
    "^KL", "^KN", "^KP", "^KV", "^MF", "^ML", "^MN", "^MP", "^MT", "^MU", "^MW", "^SC", "^SI", "^SL", "^SQ",
    "^SS", "^ST", "^SX", "^SZ", "^ZZ", "^CC", "^CD", "^CT", "~CC", "~CD", "~CT", "^HF", "^HG", "^HH", "^HT",
    "^HV", "^HW", "^HY", "^HZ", "~HB", "~HD", "~HI", "~HM", "~HQ", "~HS", "~HU", "~WC", "~WQ", "^NB", "^NC",
    "^ND", "^NI", "^NN", "^NP", "^NS", "^NT", "^NW", "^WA", "^WE", "^WI", "^WL", "^WP", "^WR", "^WS", "~NC",
    "~NT", "~WR", "^HR", "^RB", "^RF", "^RL", "^RM", "^RN", "^RQ", "^RR", "^RS", "^RT", "^RU", "^RW", "^RZ",
    "^WF", "^WT", "~JR", "~JD", "~JE", "~JA", "~JB", "~JC", "~JF", "~JG", "~JL", "~JN", "~JO", "~JP", "~JQ",
    "~JS", "~JX", "~PL", "~PP", "~PR", "~PS", "~RO", "~SD", "~TA"};

const std::string kGood =
    "^XA^CI28^PW812^LL1218^LH0,0^FO50,50^A0N,40,40^FDDHL Paket^FS"
    "^FO50,120^BY3^BCN,200,Y,N,N^FD00340434161234567891^FS"
    "^FO50,400^FH^FDErika_20Mustermann^FS^FO50,500^BXN,8,200,,,,~^FD~1010950600013435^FS^PQ1^XZ\r\n";

TEST(CarrierLabel, EveryForbiddenCommandIsRefusedWithItsReason) {
  for (const auto& command : kExpectedForbidden) {
    const std::string zpl = "^XA^FO10,10^FDok^FS" + command + "R:X.GRF,1^XZ";
    const auto checked = check_carrier_zpl(zpl);
    ASSERT_FALSE(checked) << command;
    EXPECT_EQ(checked.error().code, core::Errc::invalid_argument);
    EXPECT_NE(checked.error().reason.find(command + " at byte 19 refused: it "), std::string::npos)
        << command << ": " << checked.error().reason;
    // Lower case is the same command to a printer.
    std::string lower = command;
    lower[1] = static_cast<char>(std::tolower(lower[1]));
    lower[2] = static_cast<char>(std::tolower(lower[2]));
    EXPECT_FALSE(check_carrier_zpl("^XA" + lower + "^XZ")) << lower;
  }
}

TEST(CarrierLabel, TheListIsTheDocumentedOne) {
  std::set<std::string> listed;
  for (const auto& f : forbidden_zpl_commands()) {
    listed.insert(std::string(f.command));
    EXPECT_FALSE(f.why.empty()) << f.command;
  }
  EXPECT_EQ(listed, std::set<std::string>(kExpectedForbidden.begin(), kExpectedForbidden.end()));
  EXPECT_EQ(listed.size(), kExpectedForbidden.size());
  std::ifstream doc(std::string(WEDGE_SOURCE_DIR) + "/docs/workflows.md");
  std::stringstream text;
  text << doc.rdbuf();
  const auto all = text.str();
  const auto start = all.find("### Carrier labels");
  ASSERT_NE(start, std::string::npos);
  const auto section = all.substr(start, all.find("\n## ", start) - start);
  for (const auto& command : kExpectedForbidden)
    EXPECT_NE(section.find("`" + command + "`"), std::string::npos) << command << " is not documented";
}

TEST(CarrierLabel, StructureAndSize) {
  struct Case {
    std::string zpl;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"", "no ^XA … ^XZ format"},
      {"  \r\n", "no ^XA … ^XZ format"},
      {"^XA^FDx^FS", "the last format has no ^XZ"},
      {"^XA^XA^XZ", "^XA at byte 3 opens a format inside another"},
      {"junk^XA^XZ", "byte 0 lies outside a ^XA … ^XZ format"},
      {"^XA^XZ^FO1,1^XA^XZ", "^FO at byte 6 lies outside"},
      {"^XA^XZ~1", "byte 6 lies outside"},
      {"^XA^FDx^FS^X", "ends inside a command at byte 10"},
      {"^XA^ZY^XZ~ZY", "~ZY at byte 9"},
      {"^XA~XY^XZ", "~XY at byte 3 refused: it acts on the printer at once"},
      {"^XA^PQ2^XZ", "^PQ at byte 3 refused: a carrier label prints once per parcel"},
      {"^XA^PQ10,0,1,Y^XZ", "^PQ at byte 3 refused"},
      {"^XA" + std::string(kMaxCarrierLabelBytes, ' ') + "^XZ", "more than the 65536 allowed"},
  };
  for (const auto& c : cases) {
    const auto checked = check_carrier_zpl(c.zpl);
    ASSERT_FALSE(checked) << c.zpl.substr(0, 40);
    EXPECT_NE(checked.error().reason.find(c.reason), std::string::npos)
        << c.zpl.substr(0, 40) << " → " << checked.error().reason;
  }
}

TEST(CarrierLabel, AGoodLabelPasses) {
  EXPECT_TRUE(check_carrier_zpl(kGood)) << check_carrier_zpl(kGood).reason();
  EXPECT_TRUE(check_carrier_zpl(kGood + kGood));  // two formats: a label and its customs copy
  EXPECT_TRUE(check_carrier_zpl("^XA^PQ1,0,1,Y^XZ"));
  EXPECT_TRUE(check_carrier_zpl("^XA^XZ"));
}

TEST(CarrierLabel, Base64IsStrict) {
  EXPECT_EQ(decode_base64("XlhBXlha").value(), "^XA^XZ");
  EXPECT_EQ(decode_base64("YQ==").value(), "a");
  EXPECT_EQ(decode_base64("YWI=").value(), "ab");
  EXPECT_EQ(decode_base64("").value(), "");
  EXPECT_FALSE(decode_base64("YQ="));       // length
  EXPECT_FALSE(decode_base64("YQ=\n"));     // whitespace
  EXPECT_FALSE(decode_base64("Y=Q="));      // padding inside
  EXPECT_FALSE(decode_base64("YQ==YQ=="));  // padding before the end
  EXPECT_FALSE(decode_base64("Y-_A"));      // URL alphabet
}

}  // namespace
}  // namespace wedge::print
