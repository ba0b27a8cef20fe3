// Pick-list JSON validation: a table of bad bodies with every issue they must report.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <utility>
#include <vector>

#include "daemon/station/order.hpp"
#include "tests/unit/station/station_test_order.hpp"

namespace wedge::station {
namespace {

using Issue = std::pair<std::string, std::string>;  // path, code

std::vector<Issue> issues_of(const PickListValidation& result) {
  std::vector<Issue> out;
  for (const auto& issue : result.error()) out.emplace_back(issue.path, std::string(to_string(issue.code)));
  return out;
}

TEST(PickListJson, TheTestOrderIsValidAndFullyRead) {
  const auto order = testing::test_order();
  EXPECT_EQ(order.order_id, "O-1001");
  EXPECT_EQ(order.station, "st1");
  ASSERT_EQ(order.lines.size(), 6u);
  EXPECT_EQ(order.lines[1].gtins, (std::vector<std::string>{"04006381333931", "05901234123457"}));
  EXPECT_EQ(order.lines[2].gtins, (std::vector<std::string>{"00000096385074", "00000002345680"}));
  EXPECT_TRUE(order.lines[3].capture_serials);
  EXPECT_EQ(order.lines[4].allowed_lots, (std::vector<std::string>{"L1", "L2"}));
  EXPECT_EQ(order.lines[4].min_shelf_life_days, 30);
  EXPECT_EQ(order.lines[0].min_shelf_life_days, std::nullopt);
  EXPECT_EQ(*order.lines[0].unit_weight_grams, 250);
  EXPECT_EQ(order.lines[0].location, "R1-01");
  ASSERT_TRUE(order.ship_date);
  EXPECT_EQ(order.ship_date->iso(), "2025-06-16");
  ASSERT_TRUE(order.ship_to);
  EXPECT_EQ(order.ship_to->country, "DE");
  EXPECT_EQ(order.ship_to->address_lines, std::vector<std::string>{"Hauptstr. 5"});
  EXPECT_EQ(order.carrier, "DHL");
  EXPECT_EQ(order.label_template, "dhl-parcel");
  EXPECT_EQ(order.label_fields.at("service"), "express");
  EXPECT_EQ(order.packaging_weight_grams, 120);
  EXPECT_EQ(order.weight_tolerance_grams, 20);
  EXPECT_EQ(order.weight_tolerance_percent, 2.5);
  EXPECT_EQ(order.line_for_gtin("05901234123457"), 1);
  EXPECT_EQ(order.line_for_gtin("00000000000000"), -1);
  EXPECT_EQ(order.line_for_sku("F-6"), 5);
}

TEST(PickListJson, TheMqttApiExampleIsAValidPickList) {
  // docs/mqtt-api.md's pick_list example: only sku, qty and location.
  const auto result = parse_pick_list_json(
      "O-1001", "st1", R"({"lines":[{"sku":"A-1","qty":2,"location":"R1-03"},{"sku":"B-7","qty":1}]})");
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->lines[1].gtins.empty());
  EXPECT_FALSE(result->ship_to);
  EXPECT_EQ(result->weight_tolerance_grams, 0);
}

struct BadCase {
  const char* name;
  std::string order_id;
  std::string station;
  std::string json;
  std::vector<Issue> expected;
  bool require_shipping = false;
};

const std::vector<BadCase>& bad_cases() {
  static const std::vector<BadCase> kCases = {
      {"not JSON", "O-1", "st1", R"({"lines":[)", {{"data", "malformed_json"}}},
      {"not an object", "O-1", "st1", R"([1,2])", {{"data", "wrong_type"}}},
      {"no lines", "O-1", "st1", R"({})", {{"data.lines", "missing_field"}}},
      {"empty lines", "O-1", "st1", R"({"lines":[]})", {{"data.lines", "empty_value"}}},
      {"lines not an array", "O-1", "st1", R"({"lines":{"sku":"A"}})", {{"data.lines", "wrong_type"}}},
      {"line not an object", "O-1", "st1", R"({"lines":["A-1"]})", {{"data.lines[0]", "wrong_type"}}},
      {"line without sku and qty", "O-1", "st1", R"({"lines":[{"location":"R1"}]})",
       {{"data.lines[0].sku", "missing_field"}, {"data.lines[0].qty", "missing_field"}}},
      {"qty zero, negative, fractional, string, huge", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":0},{"sku":"B","qty":-3},{"sku":"C","qty":1.5},{"sku":"D","qty":"2"},
                    {"sku":"E","qty":18446744073709551615}]})",
       {{"data.lines[0].qty", "out_of_range"}, {"data.lines[1].qty", "out_of_range"},
        {"data.lines[2].qty", "wrong_type"}, {"data.lines[3].qty", "wrong_type"},
        {"data.lines[4].qty", "out_of_range"}}},
      {"bad GTINs", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1,"gtins":["4006381333932","12345","ABCDEFGH",7,"4006381333931"]}]})",
       {{"data.lines[0].gtins[0]", "bad_gtin"}, {"data.lines[0].gtins[1]", "bad_gtin"},
        {"data.lines[0].gtins[2]", "bad_gtin"}, {"data.lines[0].gtins[3]", "wrong_type"}}},
      {"same GTIN on two lines (13 and 14 digits)", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1,"gtins":["4006381333931"]},{"sku":"B","qty":1,"gtins":["04006381333931"]}]})",
       {{"data.lines[1].gtins[0]", "duplicate_value"}}},
      {"same SKU twice", "O-1", "st1", R"({"lines":[{"sku":"A","qty":1},{"sku":"A","qty":2}]})",
       {{"data.lines[1].sku", "duplicate_value"}}},
      {"empty gtins list and empty sku", "O-1", "st1", R"({"lines":[{"sku":"","qty":1,"gtins":[]}]})",
       {{"data.lines[0].sku", "empty_value"}, {"data.lines[0].gtins", "empty_value"}}},
      {"unknown fields (typo)", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1,"capture_serial":true}],"shipdate":"2025-06-16"})",
       {{"data.shipdate", "unknown_field"}, {"data.lines[0].capture_serial", "unknown_field"}}},
      {"lot rules", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1,"allowed_lots":["L 1","L2","L2","ABCDEFGHIJKLMNOPQRSTU",""]}]})",
       {{"data.lines[0].allowed_lots[0]", "bad_charset"}, {"data.lines[0].allowed_lots[2]", "duplicate_value"},
        {"data.lines[0].allowed_lots[3]", "too_long"}, {"data.lines[0].allowed_lots[4]", "empty_value"}}},
      {"shelf life and serial flag types", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1,"min_shelf_life_days":-1,"capture_serials":"yes","unit_weight_grams":0}]})",
       {{"data.lines[0].unit_weight_grams", "out_of_range"}, {"data.lines[0].min_shelf_life_days", "out_of_range"},
        {"data.lines[0].capture_serials", "wrong_type"}}},
      {"ship date", "O-1", "st1", R"({"lines":[{"sku":"A","qty":1}],"ship_date":"2025-02-30"})",
       {{"data.ship_date", "bad_date"}}},
      {"ship_to problems", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1}],"ship_to":{"name":"X","lines":[],"country":"de","zip":"1"}})",
       {{"data.ship_to.zip", "unknown_field"}, {"data.ship_to.lines", "empty_value"},
        {"data.ship_to.city", "missing_field"}, {"data.ship_to.country", "bad_country"}}},
      {"weights and tolerances", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1}],"packaging_weight_grams":-5,"weight_tolerance_grams":"10",
          "weight_tolerance_percent":150})",
       {{"data.packaging_weight_grams", "out_of_range"}, {"data.weight_tolerance_grams", "wrong_type"},
        {"data.weight_tolerance_percent", "out_of_range"}}},
      {"label fields must be strings", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1}],"label_template":"","label_fields":{"service":1,"ok":"x"}})",
       {{"data.label_template", "empty_value"}, {"data.label_fields.service", "wrong_type"}}},
      // Regression (issue 17): "../evil" was accepted and the printer got <config dir>/evil.zpl.
      {"label template: parent folder", "O-1", "st1", R"({"lines":[{"sku":"A","qty":1}],"label_template":"../evil"})",
       {{"data.label_template", "bad_charset"}}},
      {"label template: absolute path", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1}],"label_template":"/etc/passwd"})", {{"data.label_template", "bad_charset"}}},
      {"label template: sub folder", "O-1", "st1", R"({"lines":[{"sku":"A","qty":1}],"label_template":"a/b"})",
       {{"data.label_template", "bad_charset"}}},
      {"label template: hidden file", "O-1", "st1", R"({"lines":[{"sku":"A","qty":1}],"label_template":".x"})",
       {{"data.label_template", "bad_charset"}}},
      {"envelope: no order id, no station", "", "", R"({"lines":[{"sku":"A","qty":1}]})",
       {{"order_id", "missing_field"}, {"station", "missing_field"}}},
      {"control characters", "O\n1", "st1", "{\"lines\":[{\"sku\":\"A\\u0007\",\"qty\":1}]}",
       {{"order_id", "bad_charset"}, {"data.lines[0].sku", "bad_charset"}}},
      {"too long", std::string(129, 'O'), "st1",
       R"({"lines":[{"sku":"A","qty":1,"location":")" + std::string(65, 'L') + R"("}]})",
       {{"order_id", "too_long"}, {"data.lines[0].location", "too_long"}}},
      {"pack station needs shipping data", "O-1", "st1", R"({"lines":[{"sku":"A","qty":1}]})",
       {{"data.ship_to", "missing_field"}, {"data.carrier", "missing_field"}, {"data.label_template", "missing_field"}},
       true},
      {"null where an object is expected", "O-1", "st1", R"({"lines":[{"sku":"A","qty":1}],"ship_to":null})",
       {{"data.ship_to", "wrong_type"}}},
      {"ship_by without a time or offset", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1}],"ship_by":"2026-12-06"})", {{"data.ship_by", "bad_date"}}},
      {"ship_by on a day that does not exist", "O-1", "st1",
       R"({"lines":[{"sku":"A","qty":1}],"ship_by":"2026-02-30T17:00:00Z"})", {{"data.ship_by", "bad_date"}}},
      {"ship_by as a number", "O-1", "st1", R"({"lines":[{"sku":"A","qty":1}],"ship_by":1796000000})",
       {{"data.ship_by", "wrong_type"}}},
  };
  return kCases;
}

TEST(PickListJson, BadPickListsReportEveryIssue) {
  ASSERT_GE(bad_cases().size(), 15u);
  for (const auto& c : bad_cases()) {
    SCOPED_TRACE(c.name);
    PickListOptions options;
    options.require_shipping = c.require_shipping;
    const auto result = parse_pick_list_json(c.order_id, c.station, c.json, options);
    EXPECT_FALSE(result);
    EXPECT_EQ(issues_of(result), c.expected);
    for (const auto& issue : result.error()) EXPECT_FALSE(issue.message.empty());
  }
}

TEST(PickListJson, ShipByIsTheCarriersCutOffInAnyOffset) {
  const auto result =
      parse_pick_list_json("O-1", "st1", R"({"lines":[{"sku":"A","qty":1}],"ship_by":"2026-12-06T18:00:00+01:00"})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->ship_by_unix_ms, 1'796'576'400'000);  // 2026-12-06T17:00:00Z
  EXPECT_FALSE(parse_pick_list_json("O-1", "st1", R"({"lines":[{"sku":"A","qty":1}]})")->ship_by_unix_ms);
}

TEST(PickListJson, StationGroupReplacesTheStation) {
  const auto result =
      parse_pick_list_json("O-1", "", R"({"station_group":"pack-a","lines":[{"sku":"A","qty":1}]})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->station_group, "pack-a");
}

TEST(PickListJson, MessagesNameThePath) {
  const auto result = parse_pick_list_json("O-1", "st1", R"({"lines":[{"sku":"A","qty":0}]})");
  ASSERT_EQ(result.error().size(), 1u);
  EXPECT_EQ(result.error()[0].message, "data.lines[0].qty must be 1 to 100000");
}

TEST(PickListJson, LimitsOnCounts) {
  std::string many = R"({"lines":[)";
  for (std::size_t i = 0; i <= kMaxPickLines; ++i) many += (i ? "," : "") + std::string(R"({"sku":"S)") + std::to_string(i) + R"(","qty":1})";
  many += "]}";
  const auto result = parse_pick_list_json("O-1", "st1", many);
  EXPECT_EQ(issues_of(result), (std::vector<Issue>{{"data.lines", "out_of_range"}}));
}

}  // namespace
}  // namespace wedge::station
