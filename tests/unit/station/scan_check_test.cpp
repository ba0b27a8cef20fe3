// Table of scans through parse + check against one order (issue 7 item 8: ≥ 40 scan cases,
// including every GS1 vector of devices-and-protocols.md §2), then the state-changing helpers.
#include "daemon/station/scan_check.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/unit/station/station_test_order.hpp"

#define GS "\x1D"
#define SSCC "00106141412345678908"  // a valid (00), for (02)+(37) scans

namespace wedge::station {
namespace {

struct ScanCase {
  const char* name;
  std::string data;
  std::string aim;   // as reported by the scanner driver; "" = none (the data may still carry one)
  std::string code;  // "accepted" or the refusal reason
  int line = -1;     // expected line (-1: none / don't care on GS1 errors)
  std::int64_t qty = 0;
  std::vector<std::pair<int, std::int64_t>> picked_before = {};
  std::vector<std::pair<int, std::string>> serials_before = {};
  std::vector<std::string> warnings = {};
};

CheckOptions options() {
  CheckOptions o;
  o.today = CalendarDate{2025, 6, 15};
  o.current_year = 2025;
  o.default_min_shelf_life_days = 0;
  o.sku_aliases = {{"SKU-ALIAS-1", "B-7"}, {"NOPE", "Z-9"}};
  return o;
}

const std::vector<ScanCase>& cases() {
  static const std::vector<ScanCase> kCases = {
      // Reference scan-data vectors (§2), as the scanner sends them (AIM id in the data).
      {"ref 1: (01)(17)(10)(3103)", "]C101095060001343521726060010LOT42" GS "3103001250", "", "accepted", 0, 1},
      {"ref 1 with the AIM id reported apart", "01095060001343521726060010LOT42" GS "3103001250", "]C1", "accepted", 0, 1},
      {"ref 1 without GS: lot swallows (3103), flagged", "]C101095060001343521726060010LOT423103001250", "",
       "accepted", 0, 1, {}, {}, {"possible_missing_separator"}},
      {"ref 1 as Digital Link", "https://id.gs1.org/01/09506000134352/10/LOT42?17=260600&3103=001250", "]Q1",
       "accepted", 0, 1},
      {"ref 2: (00)(02)(37)12(400) counts 12", "]C10010614141234567890802095060001343523712" GS "400PO-4711", "",
       "accepted", 0, 12},
      {"ref 3: GS1 DataMatrix (01)(17)(10)(21)", "]d201095060001343521725123110ABC" GS "21SN123", "", "accepted", 0, 1},
      {"ref: month 13", "]C1010950600013435217261331", "", "bad_date"},
      {"ref: SSCC check digit", "]C100106141412345678909", "", "bad_check_digit"},
      {"ref: GTIN-14 check digit in (01)", "]C10109506000134353", "", "bad_check_digit"},
      {"ref: EAN-13 check digit", "]E04006381333932", "", "bad_check_digit"},
      // Check-digit vectors (§2) as bare scans without AIM id.
      {"GTIN-8 valid 96385074", "96385074", "", "accepted", 2, 1},
      {"GTIN-8 valid 02345680", "02345680", "", "accepted", 2, 1},
      {"GTIN-8 invalid", "02345689", "", "bad_check_digit"},
      {"GTIN-12 valid, serial line", "036000291452", "", "serial_missing", 3, 1},
      {"GTIN-12 valid 416000336108", "416000336108", "", "serial_missing", 3, 1},
      {"GTIN-12 invalid", "036000291453", "", "bad_check_digit"},
      {"GTIN-13 valid", "4006381333931", "", "accepted", 1, 1},
      {"GTIN-13 valid with ]E0", "5901234123457", "]E0", "accepted", 1, 1},
      {"GTIN-13 invalid", "5901234123458", "", "bad_check_digit"},
      {"GTIN-14 valid", "09506000134352", "", "accepted", 0, 1},
      {"GTIN-14 valid, line needs a date", "24012345678905", "", "date_missing", 4, 1},
      {"GTIN-14 invalid", "24012345678909", "", "bad_check_digit"},
      {"SSCC valid: not an item", "]C100106141412345678908", "", "not_an_item"},
      {"SSCC valid 2: not an item", "]C100376104250021234569", "", "not_an_item"},
      {"GLN valid in (410): not an item", "]C14100614141000012", "", "not_an_item"},
      {"GLN invalid in (410)", "]C14100614141000013", "", "bad_check_digit"},
      // Order checks.
      {"GTIN not on the order", "0012345678905", "]E0", "wrong_item"},
      {"line already complete", "96385074", "]E4", "over_pick", 2, 1, {{2, 1}}},
      {"(37) more than open", "]C1" SSCC "0209506000134352" "3725", "", "over_pick", 0, 25},
      {"(37) exactly what is open", "]C1" SSCC "0209506000134352" "375", "", "accepted", 0, 5, {{0, 15}}},
      {"(37) zero", "]C1" SSCC "0209506000134352" "370", "", "zero_quantity", 0, 0},
      {"(02)+(37) without (00)", "]C10209506000134352" "375", "", "missing_ai"},
      {"(30) variable count", "]C101095060001343523005", "", "accepted", 0, 5},
      {"expired (17)", "]C1010950600013435217250610", "", "expired", 0, 1},
      {"(17) DD=00 is month end: June 2025 still good", "]C1010950600013435217250600", "", "accepted", 0, 1},
      {"(17) DD=00 May 2025 is expired", "]C1010950600013435217250500", "", "expired", 0, 1},
      {"(17) 99 is 1999 by the century rule", "]C1010950600013435217991231", "", "expired", 0, 1},
      {"(17) 29 Feb of a non-leap year", "]C1010950600013435217250229", "", "bad_date"},
      {"(17) 29 Feb 2028 is a real date", "]C1010950600013435217280229", "", "accepted", 0, 1},
      {"shelf life: 2025-07-10 < ship + 30 days", "]C1012401234567890517250710" "10L1", "", "shelf_life_too_short", 4, 1},
      {"shelf life: exactly ship + 30 days", "]C1012401234567890517250716" "10L1", "", "accepted", 4, 1},
      {"shelf life ok, allowed lot", "]C1012401234567890517250731" "10L2", "", "accepted", 4, 1},
      {"lot not allowed", "]C1012401234567890517251231" "10L3", "", "lot_not_allowed", 4, 1},
      {"lot missing on a lot-controlled line", "]C1012401234567890517251231", "", "lot_missing", 4, 1},
      {"(15) best before used when no (17): too short", "]C1010761234567890015250901", "", "shelf_life_too_short", 5, 1},
      {"(15) best before far enough", "]C1010761234567890015251231", "", "accepted", 5, 1},
      {"serial captured", "]C1010003600029145221SN2", "", "accepted", 3, 1, {}, {{3, "SN1"}}},
      {"serial scanned twice", "]C1010003600029145221SN1", "", "serial_duplicate", 3, 1, {}, {{3, "SN1"}}},
      {"SKU alias", "SKU-ALIAS-1", "", "accepted", 1, 1},
      {"SKU alias of a SKU not on the order", "NOPE", "]C0", "wrong_item"},
      {"SKU text in Code 128", "A-1", "]C0", "accepted", 0, 1},
      {"SKU text with the AIM id left in the data", "]C0A-1", "", "accepted", 0, 1},
      {"unknown plain text", "]C0HELLO-WORLD", "", "unknown_barcode"},
      {"a URL that is no Digital Link", "https://example.com/promo?x=1", "]Q1", "unknown_barcode"},
      {"human-readable text with parentheses", "(01)09506000134352(17)260600", "", "bracketed_text"},
      {"unknown AI", "]C1230001", "", "unknown_ai"},
      {"(99) company internal is GS1 data, not an item", "]C1990001", "", "not_an_item"},
      {"(422) not predefined: GS missing", "]C1010950600013435242227610LOT", "", "missing_separator"},
      {"lot longer than 20 without GS", "]C1010950600013435210ABCDEFGHIJKLMNOPQRSTUV", "", "missing_separator"},
      {"space in a lot", "]C1010950600013435210LOT 42", "", "bad_charset"},
      {"letters in (01)", "]C1010950600013A352", "", "bad_charset"},
      {"(01) too short", "]C1010950600013435", "", "bad_length"},
      {"GTIN of 11 digits", "]E012345678901", "", "symbology_mismatch"},
      {"GTIN of 11 digits, no AIM id: plain text", "12345678901", "", "unknown_barcode"},
      {"(02) without (37)", "]C10209506000134352", "", "missing_ai"},
      {"(01) with (02)", "]C10109506000134352" "0209506000134352" "371", "", "gs1_exclusive_ais"},
      {"trailing GS refused", "]C10109506000134352" GS, "", "gs1_separator"},
      {"leading GS refused", "]C1" GS "0109506000134352", "", "gs1_separator"},
      {"ITF-14", "09506000134352", "]I1", "accepted", 0, 1},
      {"Digital Link on any domain with path prefix and %-escapes",
       "https://shop.example.com/p/01/09506000134352/10/AB%2F1/21/X1?17=260600&linkType=all", "", "accepted", 0, 1},
      {"Digital Link with qualifiers out of order", "https://id.gs1.org/01/09506000134352/21/X1/10/L1", "",
       "bad_digital_link"},
      {"Digital Link with a bad GTIN", "https://id.gs1.org/01/09506000134353", "]Q1", "bad_check_digit"},
      {"Digital Link with a bad date in the query", "https://id.gs1.org/01/09506000134352?17=261301", "",
       "bad_date"},
      {"Digital Link SSCC", "https://id.gs1.org/00/106141412345678908", "", "not_an_item"},
      {"empty scan", "", "", "empty_scan"},
      {"only an AIM id", "]C1", "", "empty_scan"},
  };
  return kCases;
}

TEST(ScanCheckTable, EveryCaseGivesItsCode) {
  const auto order = testing::test_order();
  ASSERT_GE(cases().size(), 40u);
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    PickState state;
    state.lines.resize(order.lines.size());
    for (const auto& [line, qty] : c.picked_before) state.lines[static_cast<std::size_t>(line)].picked = qty;
    for (const auto& [line, serial] : c.serials_before) {
      state.lines[static_cast<std::size_t>(line)].serials.insert(serial);
      state.lines[static_cast<std::size_t>(line)].picked += 1;
    }
    const auto decision = check_scan(order, state, c.data, c.aim, options());
    EXPECT_EQ(decision.code, c.code) << decision.detail;
    EXPECT_EQ(decision.accepted(), c.code == "accepted");
    EXPECT_FALSE(decision.message.empty());
    if (c.line >= 0) {
      EXPECT_EQ(decision.line, c.line);
      EXPECT_EQ(decision.qty, c.qty);
    }
    EXPECT_EQ(decision.warnings, c.warnings);
  }
}

TEST(ScanCheck, AUnitAnotherOrderHoldsIsRefusedNamingThatOrder) {
  const auto order = testing::test_order();
  auto o = options();
  std::vector<std::pair<std::string, std::string>> asked;
  o.serial_owner = [&asked](const std::string& gtin, const std::string& serial) -> std::optional<std::string> {
    asked.emplace_back(gtin, serial);
    if (serial == "SN9") return "O-OTHER";
    if (serial == "SN8") return "O-1001";  // this very order: not another order
    return std::nullopt;
  };
  auto decision = check_scan(order, PickState{}, "]C1010003600029145221SN9", "", o);
  EXPECT_EQ(decision.code, "serial_in_other_order");
  EXPECT_EQ(decision.message,
            "This unit was already picked for another order: set it aside and call a supervisor. (order O-OTHER)");
  EXPECT_EQ(decision.detail, "serial SN9 of GTIN 00036000291452 was picked in order O-OTHER");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], (std::pair<std::string, std::string>{"00036000291452", "SN9"}));
  EXPECT_EQ(check_scan(order, PickState{}, "]C1010003600029145221SN7", "", o).code, "accepted");
  EXPECT_EQ(check_scan(order, PickState{}, "]C1010003600029145221SN8", "", o).code, "accepted");
  // Without a serial nothing is asked.
  asked.clear();
  EXPECT_EQ(check_scan(order, PickState{}, "]C10109506000134352", "", o).code, "accepted");
  EXPECT_TRUE(asked.empty());
}

TEST(ScanCheck, MissingSeparatorVectorYieldsTheCorruptedLot) {
  // What the parser yields for reference vector 1 without GS: documented in docs/scan-validation.md.
  const auto order = testing::test_order();
  const auto decision = check_scan(order, PickState{}, "]C101095060001343521726060010LOT423103001250", "", options());
  ASSERT_TRUE(decision.scan);
  EXPECT_EQ(decision.lot, "LOT423103001250");
  EXPECT_FALSE(decision.scan->net_weight_mg.has_value());
  EXPECT_EQ(decision.scan->bracketed(), "(01)09506000134352(17)260600(10)LOT423103001250");
  // On a lot-controlled line the corrupted lot is refused, not silently accepted.
  auto strict = order;
  strict.lines[0].allowed_lots = {"LOT42"};
  EXPECT_EQ(check_scan(strict, PickState{}, "]C101095060001343521726060010LOT423103001250", "", options()).code,
            "lot_not_allowed");
  EXPECT_EQ(check_scan(strict, PickState{}, "]C101095060001343521726060010LOT42" GS "3103001250", "", options()).code,
            "accepted");
}

TEST(ScanCheck, MessagesAreTheDocumentedSentences) {
  const auto order = testing::test_order();
  auto decision = check_scan(order, PickState{}, "0012345678905", "", options());
  EXPECT_EQ(decision.message, "Wrong item: this product is not on this order. Put it back.");
  decision = check_scan(order, PickState{}, "5901234123458", "", options());
  EXPECT_EQ(decision.message, "Barcode check digit is wrong: scan again or use another label.");
  EXPECT_NE(decision.detail.find("should be 7"), std::string::npos) << decision.detail;
}

TEST(ScanCheck, ConfigDefaultShelfLifeAppliesWhenTheLineHasNone) {
  const auto order = testing::test_order();
  auto o = options();
  o.default_min_shelf_life_days = 200;  // ship 2025-06-16 + 200 days = 2026-01-02
  EXPECT_EQ(check_scan(order, PickState{}, "]C1010950600013435217251231", "", o).code, "shelf_life_too_short");
  EXPECT_EQ(check_scan(order, PickState{}, "]C1010950600013435217260102", "", o).code, "accepted");
  // Without a date and without a line rule the default does not refuse (retail EAN-13s carry none).
  EXPECT_EQ(check_scan(order, PickState{}, "4006381333931", "", o).code, "accepted");
  // The line's own rule wins over the default: E-5 asks 30 days.
  EXPECT_EQ(check_scan(order, PickState{}, "]C1012401234567890517250731" "10L1", "", o).code, "accepted");
}

TEST(ScanCheck, ShelfLifeCountsFromTodayWhenTheShipDateIsPast) {
  auto order = testing::test_order();
  order.ship_date = CalendarDate{2025, 6, 1};
  auto o = options();  // today 2025-06-15; E-5 needs 30 days → 2025-07-15
  EXPECT_EQ(check_scan(order, PickState{}, "]C1012401234567890517250714" "10L1", "", o).code, "shelf_life_too_short");
  EXPECT_EQ(check_scan(order, PickState{}, "]C1012401234567890517250715" "10L1", "", o).code, "accepted");
  order.ship_date.reset();
  EXPECT_EQ(check_scan(order, PickState{}, "]C1012401234567890517250715" "10L1", "", o).code, "accepted");
}

TEST(ScanCheck, RecordPickCountsAndRemembersSerials) {
  const auto order = testing::test_order();
  PickState state;
  for (const char* serial : {"S1", "S2", "S3"}) {
    const auto decision = check_scan(order, state, std::string("]C1010003600029145221") + serial, "", options());
    ASSERT_TRUE(decision.accepted()) << decision.code;
    record_pick(state, decision);
  }
  EXPECT_EQ(state.lines[3].picked, 3);
  EXPECT_EQ(state.lines[3].serials.size(), 3u);
  EXPECT_EQ(check_scan(order, state, "]C1010003600029145221S4", "", options()).code, "over_pick");
  const auto refused = check_scan(order, state, "0012345678905", "", options());
  record_pick(state, refused);
  EXPECT_EQ(state.lines[3].picked, 3);
}

TEST(ScanCheck, ShortPickListsWhatIsMissing) {
  const auto order = testing::test_order();
  PickState state;
  record_pick(state, check_scan(order, state, "]C1" SSCC "0209506000134352" "3712", "", options()));
  record_pick(state, check_scan(order, state, "4006381333931", "", options()));
  const auto missing = declare_short_pick(order, state);
  ASSERT_EQ(missing.size(), 6u);
  EXPECT_EQ(missing[0].sku, "A-1");
  EXPECT_EQ(missing[0].location, "R1-01");
  EXPECT_EQ(missing[0].ordered, 20);
  EXPECT_EQ(missing[0].picked, 12);
  EXPECT_EQ(missing[0].missing, 8);
  EXPECT_EQ(missing[1].missing, 1);
  EXPECT_FALSE(pick_complete(order, state));

  PickState full;
  for (std::size_t i = 0; i < order.lines.size(); ++i) full.lines.push_back({order.lines[i].qty, {}, {}});
  EXPECT_TRUE(declare_short_pick(order, full).empty());
  EXPECT_TRUE(pick_complete(order, full));
}

TEST(ScanCheck, BracketedTextCanBeAllowedByConfig) {
  const auto order = testing::test_order();
  auto o = options();
  o.accept_bracketed_text = true;
  const auto decision = check_scan(order, PickState{}, "(01)09506000134352(17)260600(10)LOT(4)2", "", o);
  EXPECT_EQ(decision.code, "accepted");
  ASSERT_TRUE(decision.scan);
  EXPECT_TRUE(decision.scan->from_bracketed_text);
  EXPECT_EQ(decision.lot, "LOT(4)2");
}

TEST(ScanCheck, WeightHelpers) {
  const auto order = testing::test_order();
  EXPECT_DOUBLE_EQ(order.expected_weight_grams(), 120 + 20 * 250);
  EXPECT_DOUBLE_EQ(order.allowed_deviation_grams(), (120 + 20 * 250) * 2.5 / 100);
}

}  // namespace
}  // namespace wedge::station
