// SchemaSettings: a misspelt or mistyped settings key is a programming error that throws (and so
// fails the first test that runs the code), never a silent default; an absent section reads as the
// schema's defaults, the same values the validator fills in.
#include "daemon/config/schema_settings.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "daemon/config/config.hpp"

namespace wedge::config {
namespace {

Config validated(const std::string& yaml) {
  auto result = parse_config("site: dc1\ngateway: gw1\n" + yaml, "w.yaml", "/tmp");
  EXPECT_TRUE(result.config) << (result.errors.empty() ? "" : result.errors[0].to_string());
  return result.config ? *result.config : Config{};
}

TEST(SchemaSettings, ReadsTheValidatedValues) {
  const auto config = validated("broker:\n  topic_prefix: acme/wms\nkpi:\n  interval_s: 300\n");
  EXPECT_EQ(SchemaSettings::of(config, "broker").get_string("topic_prefix"), "acme/wms");
  EXPECT_EQ(SchemaSettings::of(config, "kpi").get_int("interval_s"), 300);
  EXPECT_DOUBLE_EQ(SchemaSettings::of(config, "kpi").section("targets").get_number("refused_scan_rate_max_percent"),
                   5.0);
  EXPECT_TRUE(SchemaSettings::of(config, "kpi").present());
}

TEST(SchemaSettings, AnAbsentSectionReadsAsTheValidatorsDefaults) {
  const Config by_hand;  // as tests build one: no sections at all
  const auto defaults = validated("");
  const auto broker = SchemaSettings::of(by_hand, "broker");
  EXPECT_FALSE(broker.present());
  EXPECT_EQ(broker.get_string("topic_prefix"), defaults.section("broker").get_string("topic_prefix"));
  EXPECT_EQ(SchemaSettings::of(by_hand, "kpi").get_int("interval_s"),
            defaults.section("kpi").get_int("interval_s"));
  EXPECT_EQ(SchemaSettings::of(by_hand, "kpi").section("targets").get_int("picks_per_hour_min"),
            defaults.section("kpi").section("targets").get_int("picks_per_hour_min"));
  const StationConfig station;
  EXPECT_EQ(SchemaSettings::of(station).section("time_limits").get_int("pick_s"), 900);
  // A declared key without a default: has() says so, and reading it anyway is a programming error.
  EXPECT_FALSE(SchemaSettings::of(by_hand, "printing").has("gs1_company_prefix"));
  EXPECT_THROW((void)SchemaSettings::of(by_hand, "printing").get_string("gs1_company_prefix"), std::logic_error);
  EXPECT_THROW((void)broker.values(), std::logic_error);
}

TEST(SchemaSettings, AMisspeltKeyThrowsInsteadOfReadingADefault) {
  const Config by_hand;
  const auto config = validated("");
  for (const Config* c : {&by_hand, &config}) {
    EXPECT_THROW((void)SchemaSettings::of(*c, "broker").get_string("topic_prefx"), std::logic_error);
    EXPECT_THROW((void)SchemaSettings::of(*c, "brokr"), std::logic_error);
    EXPECT_THROW((void)SchemaSettings::of(*c, "kpi").section("target"), std::logic_error);
    EXPECT_THROW((void)SchemaSettings::of(*c, "kpi").has("interval"), std::logic_error);
  }
  EXPECT_THROW((void)SchemaSettings::of(StationConfig{}).section("time_limit"), std::logic_error);
}

TEST(SchemaSettings, AKeyReadAsAnotherTypeThrows) {
  const auto config = validated("");
  const auto kpi = SchemaSettings::of(config, "kpi");
  EXPECT_THROW((void)kpi.get_string("interval_s"), std::logic_error);
  EXPECT_THROW((void)kpi.section("interval_s"), std::logic_error);
  EXPECT_THROW((void)kpi.section("targets").get_int("refused_scan_rate_max_percent"), std::logic_error);
  EXPECT_DOUBLE_EQ(kpi.get_number("interval_s"), 60.0);  // an integer reads as a number
}

}  // namespace
}  // namespace wedge::config
