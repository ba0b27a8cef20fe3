// docs/scan-validation.md is what black-box tests and the OMS read: every reason code and picker
// sentence the code can produce must appear there verbatim, as a table row.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "daemon/gs1/gs1.hpp"
#include "daemon/station/order.hpp"
#include "daemon/station/scan_check.hpp"

namespace wedge::station {
namespace {

std::string read_doc() {
  std::ifstream in(std::string(WEDGE_SOURCE_DIR) + "/docs/scan-validation.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ScanValidationDoc, EveryGs1ReasonAndSentenceIsDocumented) {
  const auto doc = read_doc();
  ASSERT_FALSE(doc.empty());
  for (int i = 0; i <= static_cast<int>(kLastGs1Error); ++i) {
    const auto code = static_cast<Gs1Error>(i);
    const auto row = "| `" + std::string(to_string(code)) + "` | " + std::string(picker_sentence(code)) + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << row;
  }
}

TEST(ScanValidationDoc, EveryCheckReasonAndSentenceIsDocumented) {
  const auto doc = read_doc();
  for (const auto* code : {"accepted", "unknown_barcode", "not_an_item", "wrong_item", "zero_quantity", "over_pick",
                           "expired", "shelf_life_too_short", "date_missing", "lot_not_allowed", "lot_missing",
                           "serial_missing", "serial_duplicate", "serial_in_other_order"}) {
    const std::string sentence(refusal_sentence(code));
    EXPECT_NE(sentence, "Scan refused.") << code;
    const auto row = "| `" + std::string(code) + "` | " + sentence + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << row;
  }
  for (const auto* warning : {"`possible_missing_separator`", "`trailing_separator`", "`sscc_on_other_symbol`"})
    EXPECT_NE(doc.find(warning), std::string::npos) << warning;
}

// Every station option that makes GS1 reading more lenient is a documented config key, off by default.
TEST(ScanValidationDoc, EveryGs1ToleranceIsADocumentedStationOption) {
  const auto doc = read_doc();
  for (const auto* key : {"accept_bracketed_text", "gs1_tolerate_trailing_gs", "gs1_sscc_on_other_symbol"}) {
    const auto row = "| `" + std::string(key) + "` | `false` |";
    EXPECT_NE(doc.find(row), std::string::npos) << row;
  }
}

TEST(ScanValidationDoc, EveryPickListReasonIsDocumented) {
  const auto doc = read_doc();
  for (int i = 0; i <= static_cast<int>(OrderIssueCode::bad_label); ++i) {
    const auto row = "| `" + std::string(to_string(static_cast<OrderIssueCode>(i))) + "` |";
    EXPECT_NE(doc.find(row), std::string::npos) << row;
  }
}

}  // namespace
}  // namespace wedge::station
