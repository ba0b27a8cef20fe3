// Command validation: a table of bad commands, each with its expected rejection code, plus the
// good ones and the reply format.
#include "daemon/commands/command.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wedge::commands {
namespace {

constexpr std::size_t kMax = 4096;

const std::string kGoodPickList =
    R"({"schema":1,"id":"c-1","type":"pick_list","order_id":"O-1","station":"st1",)"
    R"("data":{"lines":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1,"location":"R1-03"}]}})";

struct BadCase {
  const char* name;
  std::string topic_type;
  std::string payload;
  RejectCode expected;
};

std::vector<BadCase> bad_cases() {
  return {
      {"empty payload", "pick_list", "", RejectCode::malformed_json},
      {"truncated json", "pick_list", R"({"schema":1,"id":"c)", RejectCode::malformed_json},
      {"binary garbage", "pick_list", std::string("\x00\xff\xfe{", 4), RejectCode::malformed_json},
      {"trailing garbage", "rebirth", R"({"schema":1,"id":"c","type":"rebirth"} x)", RejectCode::malformed_json},
      {"array", "pick_list", "[1,2,3]", RejectCode::not_an_object},
      {"string", "pick_list", R"("hello")", RejectCode::not_an_object},
      {"number", "rebirth", "42", RejectCode::not_an_object},
      {"too large", "pick_list", std::string(kMax + 1, ' '), RejectCode::too_large},
      {"no id", "rebirth", R"({"schema":1,"type":"rebirth"})", RejectCode::missing_field},
      {"numeric id", "rebirth", R"({"schema":1,"id":7,"type":"rebirth"})", RejectCode::invalid_field},
      {"empty id", "rebirth", R"({"schema":1,"id":"","type":"rebirth"})", RejectCode::invalid_field},
      {"id with slash", "rebirth", R"({"schema":1,"id":"a/b","type":"rebirth"})", RejectCode::invalid_field},
      {"id too long", "rebirth", R"({"schema":1,"id":")" + std::string(200, 'x') + R"(","type":"rebirth"})",
       RejectCode::invalid_field},
      {"no schema", "rebirth", R"({"id":"c","type":"rebirth"})", RejectCode::missing_field},
      {"schema as string", "rebirth", R"({"schema":"1","id":"c","type":"rebirth"})", RejectCode::invalid_field},
      {"schema 2", "rebirth", R"({"schema":2,"id":"c","type":"rebirth"})", RejectCode::unsupported_schema},
      {"schema 0", "rebirth", R"({"schema":0,"id":"c","type":"rebirth"})", RejectCode::unsupported_schema},
      {"no type", "rebirth", R"({"schema":1,"id":"c"})", RejectCode::missing_field},
      {"type not string", "rebirth", R"({"schema":1,"id":"c","type":5})", RejectCode::invalid_field},
      {"unknown type", "order.delete", R"({"schema":1,"id":"c","type":"order.delete","order_id":"O"})",
       RejectCode::unknown_type},
      {"topic/payload mismatch", "order.hold", R"({"schema":1,"id":"c","type":"order.cancel","order_id":"O"})",
       RejectCode::type_mismatch},
      {"pick_list without order", "pick_list",
       R"({"schema":1,"id":"c","type":"pick_list","station":"s","data":{"lines":[{"sku":"A","qty":1}]}})",
       RejectCode::missing_field},
      {"pick_list without station", "pick_list",
       R"({"schema":1,"id":"c","type":"pick_list","order_id":"O","data":{"lines":[{"sku":"A","qty":1}]}})",
       RejectCode::missing_field},
      {"pick_list without lines", "pick_list",
       R"({"schema":1,"id":"c","type":"pick_list","order_id":"O","station":"s","data":{}})", RejectCode::missing_field},
      {"pick_list empty lines", "pick_list",
       R"({"schema":1,"id":"c","type":"pick_list","order_id":"O","station":"s","data":{"lines":[]}})",
       RejectCode::invalid_field},
      {"line without sku", "pick_list",
       R"({"schema":1,"id":"c","type":"pick_list","order_id":"O","station":"s","data":{"lines":[{"qty":1}]}})",
       RejectCode::missing_field},
      {"line with zero qty", "pick_list",
       R"({"schema":1,"id":"c","type":"pick_list","order_id":"O","station":"s","data":{"lines":[{"sku":"A","qty":0}]}})",
       RejectCode::invalid_field},
      {"line with fractional qty", "pick_list",
       R"({"schema":1,"id":"c","type":"pick_list","order_id":"O","station":"s","data":{"lines":[{"sku":"A","qty":1.5}]}})",
       RejectCode::invalid_field},
      {"line with huge qty", "pick_list",
       R"({"schema":1,"id":"c","type":"pick_list","order_id":"O","station":"s","data":{"lines":[{"sku":"A","qty":18446744073709551615}]}})",
       RejectCode::invalid_field},
      {"data not object", "order.cancel", R"({"schema":1,"id":"c","type":"order.cancel","order_id":"O","data":[]})",
       RejectCode::invalid_field},
      {"cancel reason not string", "order.cancel",
       R"({"schema":1,"id":"c","type":"order.cancel","order_id":"O","data":{"reason":3}})", RejectCode::invalid_field},
      {"hold without order", "order.hold", R"({"schema":1,"id":"c","type":"order.hold"})", RejectCode::missing_field},
      {"update without lines", "order.update", R"({"schema":1,"id":"c","type":"order.update","order_id":"O"})",
       RejectCode::missing_field},
  };
}

TEST(CommandParse, EveryBadCommandIsRejectedWithItsCode) {
  const auto cases = bad_cases();
  ASSERT_GE(cases.size(), 20u);
  for (const auto& c : cases) {
    const auto result = parse_command(c.topic_type, c.payload, kMax);
    ASSERT_FALSE(result) << c.name;
    EXPECT_EQ(to_string(result.error().code), to_string(c.expected)) << c.name << ": " << result.error().reason;
    EXPECT_FALSE(result.error().reason.empty()) << c.name;
  }
}

TEST(CommandParse, RejectionNamesTheCommandOnceTheIdIsKnown) {
  const auto result = parse_command("rebirth", R"({"schema":9,"id":"c-42","type":"rebirth"})", kMax);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().command_id, "c-42");
  EXPECT_EQ(result.error().code, RejectCode::unsupported_schema);
}

TEST(CommandParse, AcceptsEveryCommandType) {
  struct Good {
    std::string type;
    std::string payload;
    CommandType expected;
  };
  const std::vector<Good> good = {
      {"pick_list", kGoodPickList, CommandType::pick_list},
      {"order.cancel", R"({"schema":1,"id":"c2","type":"order.cancel","order_id":"O-1","data":{"reason":"x"}})",
       CommandType::order_cancel},
      {"order.hold", R"({"schema":1,"id":"c3","type":"order.hold","order_id":"O-1"})", CommandType::order_hold},
      {"order.release", R"({"schema":1,"id":"c4","type":"order.release","order_id":"O-1"})", CommandType::order_release},
      {"order.update",
       R"({"schema":1,"id":"c5","type":"order.update","order_id":"O-1","data":{"lines":[{"sku":"A","qty":3}]}})",
       CommandType::order_update},
      {"rebirth", R"({"schema":1,"id":"c6","type":"rebirth"})", CommandType::rebirth},
  };
  for (const auto& g : good) {
    const auto result = parse_command(g.type, g.payload, kMax);
    ASSERT_TRUE(result) << g.type << ": " << result.error().reason;
    EXPECT_EQ(result->type, g.expected);
    EXPECT_EQ(result->payload, g.payload);
  }
  const auto pick = parse_command("pick_list", kGoodPickList, kMax);
  EXPECT_EQ(pick->order_id, "O-1");
  EXPECT_EQ(pick->station, "st1");
  EXPECT_NE(pick->data_json.find("B-7"), std::string::npos);
}

TEST(CommandParse, ReplyJsonCarriesCodeReasonAndSession) {
  Rejection rejection{RejectCode::unknown_order, "order O-9 was never received in a pick_list", "c-9", "order.hold"};
  const auto text = reply_json(rejected_reply(rejection), 7, 1700000000123);
  const auto doc = boost::json::parse(text).as_object();
  EXPECT_EQ(doc.at("status").as_string(), "rejected");
  EXPECT_EQ(doc.at("code").as_string(), "unknown_order");
  EXPECT_EQ(doc.at("command_id").as_string(), "c-9");
  EXPECT_EQ(doc.at("session").as_int64(), 7);
  EXPECT_EQ(doc.at("ts").as_string(), "2023-11-14T22:13:20.123Z");
  const auto anonymous = reply_json(rejected_reply(Rejection{RejectCode::malformed_json, "bad", "", ""}), 1, 0);
  EXPECT_TRUE(boost::json::parse(anonymous).as_object().at("command_id").is_null());
}

}  // namespace
}  // namespace wedge::commands
