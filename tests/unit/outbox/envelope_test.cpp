// The event envelope: field set, null station/order_id, RFC 3339 timestamps, UUID v4 ids.
#include "daemon/outbox/envelope.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <set>

namespace wedge::outbox {
namespace {

// 8-4-4-4-12 lower-case hex, version nibble 4, variant 10xx (RFC 4122). No std::regex: GCC 12's
// <regex> trips -Wmaybe-uninitialized under the sanitizer build.
bool is_uuid_v4(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return id[14] == '4' && (id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}

TEST(Envelope, UuidsAreVersion4AndDistinct) {
  UuidGenerator generator;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = generator.next();
    EXPECT_TRUE(is_uuid_v4(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Envelope, CarriesEveryFieldInOrder) {
  const auto result = build_envelope(EnvelopeFields{"0b7c5d1e-8a1f-4c1e-9d3b-2a6f0e4c8b11", 42,
                                                    1'795'755'662'123, "pick.scan_accepted",
                                                    "pack-1", "ORD-7", R"({"sku":"A-1","qty":2})"});
  ASSERT_TRUE(result) << result.reason();
  EXPECT_EQ(
      *result,
      R"({"id":"0b7c5d1e-8a1f-4c1e-9d3b-2a6f0e4c8b11","seq":42,"ts":"2026-11-27T05:01:02.123Z",)"
      R"("type":"pick.scan_accepted","station":"pack-1","order_id":"ORD-7",)"
      R"("data":{"sku":"A-1","qty":2}})");
}

TEST(Envelope, EmptyStationAndOrderAreNull) {
  const auto result = build_envelope(EnvelopeFields{"id", 1, 0, "gateway.started", "", "", "{}"});
  ASSERT_TRUE(result);
  const auto value = boost::json::parse(*result).as_object();
  EXPECT_TRUE(value.at("station").is_null());
  EXPECT_TRUE(value.at("order_id").is_null());
  EXPECT_TRUE(value.at("data").as_object().empty());
}

TEST(Envelope, StringsAreEscaped) {
  const auto result =
      build_envelope(EnvelopeFields{"id", 1, 0, "t", "st\"a\\tion\n", "", R"({"s":"\u00e9"})"});
  ASSERT_TRUE(result);
  const auto value = boost::json::parse(*result).as_object();
  EXPECT_EQ(value.at("station").as_string(), "st\"a\\tion\n");
}

TEST(Envelope, RejectsDataThatIsNotAJsonObject) {
  for (const char* bad : {"", "{", "[1,2]", "42", "\"x\"", "{\"a\":}", "null"}) {
    const auto result = build_envelope(EnvelopeFields{"id", 1, 0, "t", "", "", bad});
    EXPECT_FALSE(result) << bad;
    EXPECT_FALSE(result.reason().empty()) << bad;
  }
}

}  // namespace
}  // namespace wedge::outbox
