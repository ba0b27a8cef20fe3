// AIM identifiers: recognised ones are stripped and mapped; anything else stays data.
#include "drivers/scanner/aim.hpp"

#include <gtest/gtest.h>

namespace wedge::drivers::scanner {
namespace {

TEST(ScannerAim, MapsTheReferenceTable) {
  const std::pair<const char*, const char*> table[] = {
      {"]C0", "code-128"},    {"]C1", "gs1-128"},        {"]C2", "code-128"},
      {"]E0", "ean-13"},      {"]E4", "ean-8"},          {"]e0", "gs1-databar"},
      {"]d1", "datamatrix"},  {"]d2", "gs1-datamatrix"}, {"]Q1", "qr"},
      {"]Q3", "gs1-qr"},      {"]I0", "itf"},            {"]I1", "itf"},
      {"]I3", "itf"},         {"]A0", "code-39"},        {"]F0", "codabar"},
      {"]G0", "code-93"},     {"]L2", "pdf417"},         {"]z0", "aztec"},
  };
  for (const auto& [id, symbology] : table) {
    // parse_aim() returns views into its input: the scanned text must outlive the result.
    const std::string scanned = std::string(id) + "1234";
    const auto result = parse_aim(scanned);
    EXPECT_EQ(result.aim_id, id);
    EXPECT_EQ(result.symbology, symbology) << id;
    EXPECT_EQ(result.payload, "1234") << id;
    EXPECT_EQ(symbology_for(id), symbology);
  }
}

TEST(ScannerAim, Gs1FlagFollowsTheIdentifier) {
  EXPECT_TRUE(parse_aim("]C1010950").gs1);
  EXPECT_TRUE(parse_aim("]d2010950").gs1);
  EXPECT_TRUE(parse_aim("]Q3010950").gs1);
  EXPECT_TRUE(parse_aim("]e0010950").gs1);
  EXPECT_FALSE(parse_aim("]C0010950").gs1);
  EXPECT_FALSE(parse_aim("]Q1https://id.gs1.org/01/09506000134352").gs1);
}

TEST(ScannerAim, KeepsGsInPayload) {
  const auto result = parse_aim("]C10109501234567890\x1d" "10ABC");
  EXPECT_EQ(result.payload, "0109501234567890\x1d" "10ABC");
}

TEST(ScannerAim, NoIdentifierLeavesDataAlone) {
  for (const char* data : {"4006381333931", "]", "]C", "]X1abc", "]C!abc", "C1]abc", ""}) {
    const auto result = parse_aim(data);
    EXPECT_TRUE(result.aim_id.empty()) << data;
    EXPECT_EQ(result.symbology, "unknown") << data;
    EXPECT_EQ(result.payload, data);
  }
  EXPECT_EQ(symbology_for("]X1"), "unknown");
  EXPECT_EQ(symbology_for("C1"), "unknown");
}

TEST(ScannerAim, IdentifierOnlyGivesEmptyPayload) {
  const auto result = parse_aim("]E0");
  EXPECT_EQ(result.aim_id, "]E0");
  EXPECT_TRUE(result.payload.empty());
}

}  // namespace
}  // namespace wedge::drivers::scanner
