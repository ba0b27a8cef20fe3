// parse_scan(): what each kind of scan yields, element by element.
#include "daemon/gs1/gs1.hpp"

#include <gtest/gtest.h>

#include "daemon/gs1/gs1_digital_link.hpp"
#include "daemon/gs1/gs1_dictionary.hpp"

#define GS "\x1D"

namespace wedge::station {
namespace {

ParseOptions year_2025() {
  ParseOptions options;
  options.current_year = 2025;
  return options;
}

std::vector<Gs1Element> elements(std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<Gs1Element> out;
  for (const auto& [ai, value] : list) out.push_back(Gs1Element{ai, value});
  return out;
}

TEST(Gs1Parse, ReferenceVectorOne) {
  const auto result = parse_scan("]C101095060001343521726060010LOT42" GS "3103001250", "", year_2025());
  ASSERT_TRUE(result) << result.error().detail;
  const auto& scan = *result;
  EXPECT_EQ(scan.kind, ScanKind::element_string);
  EXPECT_EQ(scan.aim_id, "]C1");
  EXPECT_EQ(scan.elements, elements({{"01", "09506000134352"}, {"17", "260600"}, {"10", "LOT42"}, {"3103", "001250"}}));
  EXPECT_EQ(scan.gtin, "09506000134352");
  EXPECT_EQ(scan.lot, "LOT42");
  ASSERT_TRUE(scan.expiry);
  EXPECT_EQ(*scan.expiry, (CalendarDate{2026, 6, 30}));  // DD = 00 → last day of June
  ASSERT_TRUE(scan.net_weight_mg);
  EXPECT_EQ(*scan.net_weight_mg, 1250000);  // 1.250 kg
  EXPECT_TRUE(scan.warnings.empty());
  EXPECT_EQ(scan.bracketed(), "(01)09506000134352(17)260600(10)LOT42(3103)001250");
}

TEST(Gs1Parse, ReferenceVectorOneWithoutGsIsSilentCorruptionWithAWarning) {
  const auto result = parse_scan("]C101095060001343521726060010LOT423103001250", "", year_2025());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->elements,
            elements({{"01", "09506000134352"}, {"17", "260600"}, {"10", "LOT423103001250"}}));
  EXPECT_FALSE(result->net_weight_mg);
  EXPECT_EQ(result->warnings, std::vector<std::string>{"possible_missing_separator"});
}

TEST(Gs1Parse, DigitalLinkOfVectorOneGivesTheSameElements) {
  const auto uri = parse_scan("https://id.gs1.org/01/09506000134352/10/LOT42?17=260600&3103=001250", "]Q1", year_2025());
  ASSERT_TRUE(uri) << uri.error().detail;
  EXPECT_EQ(uri->kind, ScanKind::digital_link);
  EXPECT_EQ(uri->gtin, "09506000134352");
  EXPECT_EQ(uri->lot, "LOT42");
  EXPECT_EQ(*uri->expiry, (CalendarDate{2026, 6, 30}));
  EXPECT_EQ(*uri->net_weight_mg, 1250000);
}

TEST(Gs1Parse, ReferenceVectorsTwoAndThree) {
  auto result = parse_scan("]C10010614141234567890802095060001343523712" GS "400PO-4711", "", year_2025());
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(result->elements, elements({{"00", "106141412345678908"}, {"02", "09506000134352"},
                                             {"37", "12"}, {"400", "PO-4711"}}));
  EXPECT_EQ(result->sscc, "106141412345678908");
  EXPECT_EQ(result->content_gtin, "09506000134352");
  EXPECT_EQ(*result->count, 12);

  result = parse_scan("]d201095060001343521725123110ABC" GS "21SN123", "", year_2025());
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(result->elements,
            elements({{"01", "09506000134352"}, {"17", "251231"}, {"10", "ABC"}, {"21", "SN123"}}));
  EXPECT_EQ(result->serial, "SN123");
}

TEST(Gs1Parse, RejectedReferenceVectors) {
  struct Row {
    const char* data;
    Gs1Error code;
    const char* ai;
  };
  const Row rows[] = {
      {"]C1010950600013435217261331", Gs1Error::bad_date, "17"},
      {"]C100106141412345678909", Gs1Error::bad_check_digit, "00"},
      {"]C10109506000134353", Gs1Error::bad_check_digit, "01"},
      {"]E04006381333932", Gs1Error::bad_check_digit, "01"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.data);
    const auto result = parse_scan(row.data, "", year_2025());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, row.code);
    EXPECT_EQ(result.error().ai, row.ai);
    EXPECT_EQ(result.error().message, picker_sentence(row.code));
    EXPECT_FALSE(result.error().detail.empty());
  }
}

TEST(Gs1Parse, GtinsAreNormalisedToFourteenDigits) {
  const std::pair<const char*, const char*> rows[] = {
      {"96385074", "00000096385074"}, {"036000291452", "00036000291452"},
      {"4006381333931", "04006381333931"}, {"24012345678905", "24012345678905"}};
  for (const auto& [data, gtin] : rows) {
    const auto result = parse_scan(data, "", year_2025());
    ASSERT_TRUE(result) << data;
    EXPECT_EQ(result->kind, ScanKind::gtin);
    EXPECT_EQ(result->gtin, gtin);
  }
  // EAN-13 with a 2-digit add-on (]E3): the add-on is not part of the GTIN.
  const auto addon = parse_scan("400638133393112", "]E3", year_2025());
  ASSERT_TRUE(addon);
  EXPECT_EQ(addon->gtin, "04006381333931");
}

TEST(Gs1Parse, PlainTextStaysText) {
  for (const auto* data : {"ABC-123", "12345", "https://example.com/"}) {
    const auto result = parse_scan(data, "", year_2025());
    ASSERT_TRUE(result) << data;
    EXPECT_EQ(result->kind, ScanKind::text);
    EXPECT_EQ(result->text, data);
  }
  // Code 128 without FNC1 holding 13 digits: not GS1, whatever the digits.
  const auto code128 = parse_scan("4006381333931", "]C0", year_2025());
  ASSERT_TRUE(code128);
  EXPECT_EQ(code128->kind, ScanKind::text);
  // ITF that is not 14 digits.
  EXPECT_EQ(parse_scan("123456", "]I0", year_2025())->kind, ScanKind::text);
}

TEST(Gs1Parse, BareElementStringWithoutAimId) {
  auto result = parse_scan("0109506000134352" "10ABC" GS "21X", "", year_2025());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->kind, ScanKind::element_string);
  EXPECT_EQ(result->aim_id, "");
  result = parse_scan("010950600013435217260600", "", year_2025());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->kind, ScanKind::element_string);
}

TEST(Gs1Parse, PredefinedLengthRule) {
  EXPECT_EQ(predefined_length("01"), 14);
  EXPECT_EQ(predefined_length("17"), 6);
  EXPECT_EQ(predefined_length("3103"), 6);
  EXPECT_EQ(predefined_length("410"), 13);
  EXPECT_EQ(predefined_length("10"), std::nullopt);
  EXPECT_EQ(predefined_length("422"), std::nullopt);
  EXPECT_EQ(predefined_length("7003"), std::nullopt);
  // (422) and (7003) are fixed-length but not predefined: GS needed unless last.
  auto result = parse_scan("]C10109506000134352" "422276" GS "10LOT", "", year_2025());
  EXPECT_TRUE(result) << result.error().detail;
  result = parse_scan("]C10109506000134352" "70032606301200" "10LOT", "", year_2025());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Gs1Error::missing_separator);
  EXPECT_EQ(result.error().ai, "7003");
  // Predefined AIs may be followed by a GS all the same.
  EXPECT_TRUE(parse_scan("]C10109506000134352" GS "17260600" GS "10A", "", year_2025()));
  // (7003) time must be valid.
  result = parse_scan("]C10109506000134352" "70032606302460", "", year_2025());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Gs1Error::bad_date);
}

TEST(Gs1Parse, MoreAis) {
  const auto result = parse_scan("]C100106141412345678908" "4100614141000012" "421276" "10115" GS "403ROUTE-7", "",
                                 year_2025());
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(*result->find("410"), "0614141000012");
  EXPECT_EQ(*result->find("421"), "27610115");
  EXPECT_EQ(*result->find("403"), "ROUTE-7");
  EXPECT_EQ(result->find("10"), nullptr);
  // (421) country part must be digits.
  const auto bad = parse_scan("]C100106141412345678908" "421DE10115", "", year_2025());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Gs1Error::bad_charset);
  // (3100) to (3105) only.
  EXPECT_EQ(parse_scan("]C10109506000134352" "3106001250", "", year_2025()).error().code, Gs1Error::unknown_ai);
  EXPECT_EQ(*parse_scan("]C10109506000134352" "3100000007", "", year_2025())->net_weight_mg, 7000000);
  EXPECT_EQ(*parse_scan("]C10109506000134352" "3105000007", "", year_2025())->net_weight_mg, 70);
}

TEST(Gs1Parse, AssociationRules) {
  struct Row {
    const char* data;
    Gs1Error code;
  };
  const Row rows[] = {
      {"]C10209506000134352", Gs1Error::missing_ai},                      // (02) needs (37)
      {"]C1375", Gs1Error::missing_ai},                                   // (37) needs (00)+(02)
      {"]C110LOT42", Gs1Error::missing_ai},                               // lot alone
      {"]C121SN1", Gs1Error::missing_ai},                                 // serial alone
      {"]C10209506000134352" "375" GS "21SN", Gs1Error::missing_ai},      // (21) needs (01)
      {"]C10109506000134352" "10A" GS "10B", Gs1Error::conflicting_ai},   // lot twice, different
      {"]C10109506000134352" "0209506000134352" "371", Gs1Error::exclusive_ais},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.data);
    const auto result = parse_scan(row.data, "", year_2025());
    ASSERT_FALSE(result);
    EXPECT_EQ(to_string(result.error().code), to_string(row.code));
  }
  // The same AI twice with the same value is harmless.
  const auto twice = parse_scan("]C10109506000134352" "10A" GS "10A", "", year_2025());
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->elements.size(), 2u);
}

TEST(Gs1Parse, SeparatorsAndCharsets) {
  EXPECT_EQ(parse_scan("]C1" GS GS, "", year_2025()).error().code, Gs1Error::empty_scan);
  EXPECT_EQ(parse_scan("]C10109506000134352" "10" GS "21X", "", year_2025()).error().code, Gs1Error::bad_length);
  EXPECT_EQ(parse_scan("]C10109506000134352" "10A#B", "", year_2025()).error().code, Gs1Error::bad_charset);
  EXPECT_EQ(parse_scan("]C10109506" GS "0001343521", "", year_2025()).error().code, Gs1Error::bad_length);
  EXPECT_EQ(parse_scan("]C1ab", "", year_2025()).error().code, Gs1Error::symbology_mismatch);
  EXPECT_EQ(parse_scan("]C10", "", year_2025()).error().code, Gs1Error::symbology_mismatch);
  EXPECT_EQ(parse_scan("]C12300", "", year_2025()).error().code, Gs1Error::unknown_ai);
  EXPECT_TRUE(parse_scan("]C10109506000134352" "10!%&'()*+,-./:;<=>?_z", "", year_2025()));
}

TEST(Gs1Parse, BracketedTextIsRefusedByDefault) {
  auto result = parse_scan("(01)09506000134352(17)260600", "", year_2025());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Gs1Error::bracketed_text);
  result = parse_scan("(01)09506000134352", "]C0", year_2025());
  EXPECT_EQ(result.error().code, Gs1Error::bracketed_text);

  auto options = year_2025();
  options.accept_bracketed_text = true;
  result = parse_scan("(01)09506000134352(17)260600(10)LOT42", "", options);
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_TRUE(result->from_bracketed_text);
  EXPECT_EQ(result->lot, "LOT42");
  EXPECT_EQ(parse_scan("(01)09506000134353", "", options).error().code, Gs1Error::bad_check_digit);
  EXPECT_EQ(parse_scan("(23)1", "", options).error().code, Gs1Error::unknown_ai);
  EXPECT_EQ(parse_scan("(01)0950600013435(17)260600", "", options).error().code, Gs1Error::bad_length);
}

TEST(Gs1DigitalLink, Forms) {
  const auto options = year_2025();
  // Short GTIN in the path is padded; fragment and non-AI query keys ignored.
  auto result = parse_scan("HTTPS://example.org/01/4006381333931?linkType=gs1:pip#top", "", options);
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(result->gtin, "04006381333931");
  // 235 qualifier, percent-decoded values, http.
  result = parse_scan("http://example.org/01/09506000134352/235/TPX%2D1", "", options);
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(*result->find("235"), "TPX-1");
  // CPV, lot, serial in order.
  result = parse_scan("https://id.gs1.org/01/09506000134352/22/V1/10/L%2F1/21/S%251", "", options);
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(result->lot, "L/1");
  EXPECT_EQ(result->serial, "S%1");

  struct Row {
    const char* uri;
    Gs1Error code;
  };
  const Row rows[] = {
      {"https://id.gs1.org/01/09506000134352/10", Gs1Error::bad_digital_link},          // odd path
      {"https://id.gs1.org/01/09506000134352/10/L%4", Gs1Error::bad_digital_link},      // bad escape
      {"https://id.gs1.org/01/09506000134352/10/L%ZZ", Gs1Error::bad_digital_link},     // bad escape
      {"https://id.gs1.org/01/09506000134352/17/260600", Gs1Error::bad_digital_link},   // not a qualifier
      {"https://id.gs1.org/01/09506000134352/10/A/10/B", Gs1Error::bad_digital_link},   // repeated
      {"https://id.gs1.org/01/09506000134352?10=LOT", Gs1Error::bad_digital_link},      // qualifier in query
      {"https://id.gs1.org/01/09506000134352?9999=1", Gs1Error::unknown_ai},
      {"https://id.gs1.org/01/09506000134352/10/LOT%2042", Gs1Error::bad_charset},      // space
      {"https://id.gs1.org/01/0950600013", Gs1Error::bad_length},
      {"https://id.gs1.org/00/106141412345678909", Gs1Error::bad_check_digit},
      {"https://id.gs1.org/01/09506000134352?17=", Gs1Error::bad_length},
      {"https://id.gs1.org/01/09506000134352/", Gs1Error::bad_digital_link},            // trailing '/'
      {"https://id.gs1.org/01/09506000134352?17=260600&17=260600", Gs1Error::bad_digital_link},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.uri);
    const auto bad = parse_scan(row.uri, "", options);
    ASSERT_FALSE(bad);
    EXPECT_EQ(to_string(bad.error().code), to_string(row.code));
  }
}

TEST(Gs1DigitalLink, PercentDecode) {
  EXPECT_EQ(percent_decode("a%2Fb%2fc"), "a/b/c");
  EXPECT_EQ(percent_decode("plain"), "plain");
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("%2"), std::nullopt);
  EXPECT_EQ(percent_decode("%g0"), std::nullopt);
}

TEST(Gs1Parse, ErrorCodesHaveStableNames) {
  EXPECT_EQ(to_string(Gs1Error::empty_scan), "empty_scan");
  EXPECT_EQ(to_string(Gs1Error::bad_check_digit), "bad_check_digit");
  EXPECT_EQ(to_string(Gs1Error::bad_date), "bad_date");
  EXPECT_EQ(to_string(Gs1Error::unknown_ai), "unknown_ai");
  EXPECT_EQ(to_string(Gs1Error::bad_length), "bad_length");
  EXPECT_EQ(to_string(Gs1Error::bad_charset), "bad_charset");
  EXPECT_EQ(to_string(Gs1Error::missing_separator), "missing_separator");
  EXPECT_EQ(to_string(Gs1Error::missing_ai), "missing_ai");
  EXPECT_EQ(to_string(Gs1Error::conflicting_ai), "conflicting_ai");
  EXPECT_EQ(to_string(Gs1Error::bracketed_text), "bracketed_text");
  EXPECT_EQ(to_string(Gs1Error::bad_digital_link), "bad_digital_link");
  EXPECT_EQ(to_string(Gs1Error::exclusive_ais), "gs1_exclusive_ais");
  EXPECT_EQ(to_string(Gs1Error::bad_separator), "gs1_separator");
  EXPECT_EQ(to_string(Gs1Error::symbology_mismatch), "symbology_mismatch");
  EXPECT_EQ(to_string(ScanKind::digital_link), "digital_link");
}

}  // namespace
}  // namespace wedge::station
