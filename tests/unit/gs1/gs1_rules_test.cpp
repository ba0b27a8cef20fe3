// GS1 conformance, rule by rule: one family of cases per GS1 rule the parser applies (value
// checks by format class, requisite and exclusive AIs, repeated AIs, GS separators, AIM
// symbology identifiers, Digital Link structure, company-internal AIs) and the station options
// that tolerate more than GS1. The table-wide checks are in gs1_conformance_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/gs1/gs1.hpp"
#include "daemon/station/order.hpp"
#include "daemon/station/scan_check.hpp"

#define GS "\x1D"
#define GTIN "0109506000134352"       // (01), valid
#define SSCC "00106141412345678908"   // (00), valid
#define CONTENT "0209506000134352"    // (02), valid

namespace wedge::station {
namespace {

struct Row {
  const char* data;
  const char* aim;
  const char* code;  // "ok" or the refusal code
};

void expect_rows(const std::vector<Row>& rows, const ParseOptions& options = {2025, false, false, false}) {
  for (const auto& row : rows) {
    SCOPED_TRACE(std::string(row.aim) + " " + row.data);
    const auto result = parse_scan(row.data, row.aim, options);
    EXPECT_EQ(result ? std::string("ok") : std::string(to_string(result.error().code)), row.code)
        << result.error().detail;
  }
}

TEST(Gs1Rules, FormatClassesBySample) {
  expect_rows({
      {GTIN "11250600", "]C1", "ok"},                    // N6 yymmd0: DD 00 allowed
      {GTIN "11251301", "]C1", "bad_date"},
      {GTIN "7006250600", "]C1", "bad_date"},            // N6 yymmdd: DD 00 not allowed
      {GTIN "7006250615", "]C1", "ok"},
      {GTIN "70032506152400", "]C1", "bad_date"},        // N6 yymmdd + N4 hhmi
      {GTIN "70032506152359", "]C1", "ok"},
      {GTIN "7011250615", "]C1", "ok"},                  // optional [N4] hhmi left out
      {GTIN "70112506151", "]C1", "bad_length"},         // optional component cut short
      {GTIN "800825061523", "]C1", "ok"},                // N6 N2 [N2] [N2]
      {GTIN "800825061524", "]C1", "bad_date"},          // hour 24
      {GTIN "0109506000134353", "]C1", "bad_check_digit"},
      {"2530614141000013ABC", "]C1", "bad_check_digit"},  // (253) N13 csum [X..17]
      {"2530614141000012ABC", "]C1", "ok"},
      {"2530614141000012", "]C1", "ok"},                 // (253) without its optional serial
      {GTIN "10LOT 1", "]C1", "bad_charset"},            // X: CSET 82 has no space
      {"80106141411234" GS "8011123", "]C1", "ok"},      // (8010) Y: CSET 39
      {"8010061414112a" GS "8011123", "]C1", "bad_charset"},
      {"80110123" GS "80106141411234", "]C1", "bad_charset"},  // (8011) no leading zero
      {SSCC "4321" "2", "]C1", "bad_charset"},           // (4321) yes/no
      {SSCC "4330001500-", "]C1", "ok"},                 // (4330) N6 [X1] hyphen
      {SSCC "4330001500+", "]C1", "bad_charset"},
      {SSCC "43090000000001" "3600000001", "]C1", "bad_charset"},  // longitude out of range
      {"800609506000134352" "0302", "]C1", "bad_charset"},  // (8006) piece 3 of 2
      {"800609506000134352" "0102", "]C1", "ok"},
      {GTIN "8001" "00000123451231", "]C1", "bad_charset"},  // (8001) width 0
      {GTIN "8001" "10000123451231", "]C1", "ok"},
  });
}

TEST(Gs1Rules, RequisiteAis) {
  expect_rows({
      {"375", "]C1", "missing_ai"},                        // (37) without (00)/(02)
      {CONTENT "375", "]C1", "missing_ai"},                // (37) with (02), no (00)
      {SSCC "375", "]C1", "missing_ai"},                   // (37) with (00), no (02)/(8026)
      {SSCC CONTENT "375", "]C1", "ok"},
      {SSCC CONTENT, "]C1", "missing_ai"},                 // (02) needs (37)
      {GTIN "250X", "]C1", "missing_ai"},                  // (250) needs (01) with (21)
      {GTIN "21S" GS "250X", "]C1", "ok"},
      {"254X", "]C1", "missing_ai"},                       // (254) needs (414)
      {"4140614141000012254X", "]C1", "ok"},
      {GTIN "21S" GS "8041123456789012345", "]C1", "missing_ai"},  // (8041) needs (8040) too
      {SSCC "3300001000", "]C1", "ok"},                    // logistic gross weight with (00)
      {"3100001000", "]C1", "missing_ai"},                 // net weight needs an item key
      {"1225061580200001", "]C1", "missing_ai"},           // (12) needs (8020), which needs (415)
      {"10LOT", "]C1", "missing_ai"},
  });
}

TEST(Gs1Rules, ExclusiveAis) {
  expect_rows({
      {GTIN "3102001000" "3103000100", "]C1", "gs1_exclusive_ais"},  // two units of net weight
      {GTIN "3102001000" "3202000100", "]C1", "ok"},                 // kg and lb are other AIs
      {SSCC "420D-10115" GS "4212761234", "]C1", "gs1_exclusive_ais"},
      {GTIN CONTENT "371", "]C1", "gs1_exclusive_ais"},
      {SSCC "4330001500" GS "4331001500", "]C1", "gs1_exclusive_ais"},
      {GTIN "21S" GS "235T", "]C1", "gs1_exclusive_ais"},
  });
}

TEST(Gs1Rules, RepeatedAis) {
  expect_rows({
      {GTIN "10A" GS "10B", "]C1", "conflicting_ai"},
      {GTIN "3102001000" "3102001001", "]C1", "conflicting_ai"},
      {GTIN GTIN, "]C1", "ok"},
  });
  const auto same = parse_scan(GTIN "3102001000" "10A" GS "3102001000", "]C1", {2025, false, false, false});
  ASSERT_TRUE(same) << same.error().detail;
  EXPECT_EQ(same->elements.size(), 3u);  // the repeat is one element
}

TEST(Gs1Rules, Separators) {
  expect_rows({
      {GS GTIN, "]C1", "gs1_separator"},                       // leading
      {GTIN "10A" GS GS "21S", "]C1", "gs1_separator"},        // doubled after a variable field
      {GTIN GS GS "10A", "]C1", "gs1_separator"},              // doubled after a predefined field
      {GTIN "10A" GS, "]C1", "gs1_separator"},                 // trailing
      {GTIN GS, "]C1", "gs1_separator"},
      {GTIN "10A" GS GS, "]C1", "gs1_separator"},              // several trailing
      {GTIN GS "10A", "]C1", "ok"},                            // one GS after a predefined field
      {GTIN "10A" GS "21S", "]C1", "ok"},
      {GTIN "422276" "10A", "]C1", "missing_separator"},       // (422) N3 is not predefined
      {GS GTIN, "", "gs1_separator"},                          // no AIM id, GS makes it GS1
  });
  ParseOptions tolerant{2025, false, true, false};
  const auto one = parse_scan(GTIN "10A" GS, "]C1", tolerant);
  ASSERT_TRUE(one) << one.error().detail;
  EXPECT_EQ(one->warnings, std::vector<std::string>{"trailing_separator"});
  expect_rows({{GTIN "10A" GS GS, "]C1", "gs1_separator"}, {GS GTIN, "]C1", "gs1_separator"},
               {GTIN GS GS "10A", "]C1", "gs1_separator"}},
              tolerant);
}

TEST(Gs1Rules, SymbologyIdentifiers) {
  expect_rows({
      {"4006381333931", "]E0", "ok"},
      {"04006381333931", "]E0", "symbology_mismatch"},   // 14 digits are no EAN-13
      {"036000291452", "]E0", "symbology_mismatch"},     // UPC-A is sent as 13 digits under ]E0
      {"96385074", "]E0", "symbology_mismatch"},
      {"96385074", "]E4", "ok"},
      {"4006381333931", "]E4", "symbology_mismatch"},
      {"400638133393112", "]E3", "ok"},                  // EAN-13 + 2-digit add-on
      {"400638133393112345", "]E3", "ok"},               // + 5-digit add-on
      {"4006381333931", "]E3", "symbology_mismatch"},
      {"12", "]E1", "ok"},                               // add-on alone: plain text
      {"12345", "]E2", "ok"},
      {"123", "]E1", "symbology_mismatch"},
      {GTIN, "]E0", "symbology_mismatch"},               // an element string is no EAN
      {"40063813339A1", "]E0", "symbology_mismatch"},
      {"https://id.gs1.org/01/09506000134352", "]Q3", "symbology_mismatch"},
      {"LOT42", "]d2", "symbology_mismatch"},
      {GTIN, "]e0", "ok"},
      {GTIN, "]J1", "ok"},
  });
  const auto addon = parse_scan("12", "]E1", {2025, false, false, false});
  ASSERT_TRUE(addon);
  EXPECT_EQ(addon->kind, ScanKind::text);
  const auto upc = parse_scan("0036000291452", "]E0", {2025, false, false, false});
  ASSERT_TRUE(upc) << upc.error().detail;
  EXPECT_EQ(upc->gtin, "00036000291452");
}

TEST(Gs1Rules, DigitalLinkStructure) {
  expect_rows({
      {"https://id.gs1.org/01/09506000134352/", "]Q1", "bad_digital_link"},
      {"https://id.gs1.org/00/106141412345678908//X", "]Q1", "bad_digital_link"},  // empty AI (fuzz)
      {"https://id.gs1.org/01//10/L", "]Q1", "bad_digital_link"},                  // empty value
      {"https://id.gs1.org/01/09506000134352/10/LOT/", "]Q1", "bad_digital_link"},
      {"https://id.gs1.org/01/09506000134352?17=260600&17=260600", "]Q1", "bad_digital_link"},
      {"https://id.gs1.org/01/09506000134352?17=260600&17=270600", "]Q1", "bad_digital_link"},
      {"https://id.gs1.org/01/09506000134352/10/L?10=L", "]Q1", "bad_digital_link"},  // qualifier
      {"https://id.gs1.org/01/09506000134352?7040=1AAA", "]Q1", "bad_digital_link"},  // no attribute
      {"https://id.gs1.org/01/09506000134352/235/T/10/L", "]Q1", "bad_digital_link"}, // mixed paths
      {"https://id.gs1.org/01/09506000134352?3102=001000&3103=000100", "]Q1", "gs1_exclusive_ais"},
      {"https://id.gs1.org/01/09506000134352?17=260600&3103=001250", "]Q1", "ok"},
      {"https://id.gs1.org/8004/ABC123", "]Q1", "ok"},                  // more primary keys
      {"https://id.gs1.org/414/0614141000012/254/X1", "]Q1", "ok"},
      {"https://id.gs1.org/00/106141412345678908?37=5&02=09506000134352", "]Q1", "ok"},
  });
}

TEST(Gs1Rules, CompanyInternalAis) {
  expect_rows({
      {"90ABC", "]C1", "ok"},
      {GTIN "91X-1" GS "99" "ZZ", "]C1", "ok"},
      {GTIN "90" "0123456789012345678901234567890", "]C1", "missing_separator"},  // (90) X..30
      {"https://id.gs1.org/01/09506000134352?91=ABC", "]Q1", "ok"},
  });
}

TEST(Gs1Rules, SsccOnOtherSymbolIsAnOption) {
  expect_rows({{CONTENT "375", "]C1", "missing_ai"}});
  ParseOptions options{2025, false, false, true};
  const auto content = parse_scan(CONTENT "375", "]C1", options);
  ASSERT_TRUE(content) << content.error().detail;
  EXPECT_EQ(content->warnings, std::vector<std::string>{"sscc_on_other_symbol"});
  expect_rows({{"375", "]C1", "missing_ai"}, {"10LOT", "]C1", "missing_ai"}}, options);
}

TEST(Gs1Rules, StationSeesTheReasonAndTheSentence) {
  PickList order;
  order.order_id = "O-1";
  OrderLine line;
  line.sku = "A-1";
  line.gtins = {"09506000134352"};
  line.qty = 10;
  order.lines = {line};
  CheckOptions options;
  options.today = CalendarDate{2025, 6, 15};
  const PickState state;
  for (const auto& [data, aim, code] : std::vector<Row>{{"09506000134352", "]E0", "symbology_mismatch"},
                                                        {GTIN "10A" GS, "]C1", "gs1_separator"},
                                                        {GTIN "3102001000" "3103000100", "]C1", "gs1_exclusive_ais"}}) {
    const auto decision = check_scan(order, state, data, aim, options);
    EXPECT_FALSE(decision.accepted());
    EXPECT_EQ(decision.code, code);
    EXPECT_FALSE(decision.message.empty());
    EXPECT_FALSE(decision.detail.empty());
  }
  options.tolerate_trailing_gs = true;
  const auto tolerated = check_scan(order, state, GTIN "10A" GS, "]C1", options);
  EXPECT_TRUE(tolerated.accepted()) << tolerated.code;
  EXPECT_EQ(tolerated.warnings, std::vector<std::string>{"trailing_separator"});
}

}  // namespace
}  // namespace wedge::station
