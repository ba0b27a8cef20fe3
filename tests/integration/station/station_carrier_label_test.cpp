// Carrier labels from the OMS against the real printer and scale simulators (issue 20 item 3): the
// carrier's ZPL from the pick list reaches the TCP printer byte for byte, the verify and ship scans
// read its tracking number, a later order.update with a new carrier label voids and reprints, and
// a label with a forbidden command rejects the pick list with the command and the reason.
#include <gtest/gtest.h>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using commands::CommandType;

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    unsigned v = 0;
    for (std::size_t k = 0; k < 3; ++k)
      v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out.push_back(k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=');
  }
  return out;
}

std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// A carrier's label as a shipping service sends it: UTF-8 text, ^FH hex, a Code 128 tracking barcode.
std::string carrier_zpl(const std::string& tracking) {
  return "^XA^CI28^PW812^LL1218^LH0,0^FO40,40^A0N,36,36^FDUPS STANDARD^FS"
         "^FO40,100^A0N,28,28^FDErika Mustermann, Straße 5^FS^FO40,140^FH^FDRef_3A O-C1^FS"
         "^FO40,200^BY3^BCN,180,Y,N,N^FD" + tracking + "^FS^FO40,420^GB732,4,4^FS^PQ1^XZ";
}

std::string body_with_label(const std::string& zpl, const std::string& tracking, const std::string& city = "Berlin") {
  std::string body = order_body("", city);
  body.pop_back();  // the closing brace
  return body + R"(,"carrier_labels":[{"parcel":1,"tracking":")" + tracking + R"(","zpl_base64":")" +
         base64(zpl) + R"("}]})";
}

TEST(CarrierLabel, PrintedByteForByteAndVerifiedByItsTracking) {
  StationEnv env;
  const std::string tracking = "1Z999AA10123456784";
  const std::string zpl = carrier_zpl(tracking);
  env.pick_list("O-C1", body_with_label(zpl, tracking));
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-C1"; }));
  env.pick_all();
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  env.pack_to_label("O-C1");
  auto printed = env.events_of("O-C1", "label.printed").at(0).data;
  EXPECT_EQ(printed.at("tracking").as_string(), tracking);
  EXPECT_EQ(printed.at("sscc").as_string(), "");
  EXPECT_TRUE(printed.at("carrier_label").as_bool());
  ASSERT_TRUE(env.run_until([&] { return env.printer().count() >= 1; }));
  EXPECT_EQ(env.printer().command("raw 1"), hex(zpl));

  // Our own SSCC-less label: only the carrier's tracking barcode verifies it.
  EXPECT_EQ(env.scan("O-C1").code, "wrong_label");
  EXPECT_EQ(env.scan("]C0" + tracking).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-C1", "label.verified"));
  EXPECT_EQ(env.events_of("O-C1", "label.verified").at(0).data.at("tracking").as_string(), tracking);
  ASSERT_TRUE(env.wait_event("O-C1", "pack.completed"));
  EXPECT_EQ(env.scan(tracking).verdict, "accepted");  // shipped by the carrier's barcode
  ASSERT_TRUE(env.wait_event("O-C1", "order.shipped"));
  EXPECT_EQ(env.events_of("O-C1", "order.shipped").at(0).data.at("tracking").as_string(), tracking);
}

TEST(CarrierLabel, ALaterUpdateWithANewLabelVoidsAndReprints) {
  StationEnv env;
  env.pick_list("O-C2", body_with_label(carrier_zpl("1ZOLD0000000000001"), "1ZOLD0000000000001"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-C2"; }));
  env.pick_all();
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  env.pack_to_label("O-C2");
  const std::string zpl = carrier_zpl("1ZNEW0000000000002");
  auto updated = env.apply(command(CommandType::order_update, "O-C2", body_with_label(zpl, "1ZNEW0000000000002")));
  ASSERT_TRUE(updated.accepted) << updated.reason;
  ASSERT_TRUE(env.wait_event("O-C2", "label.voided")) << testing::PrintToString(env.types_of("O-C2"));
  ASSERT_TRUE(env.wait_event("O-C2", "order.updated"));
  EXPECT_EQ(env.events_of("O-C2", "label.voided").at(0).data.at("reason").as_string(), "carrier_label_changed");
  EXPECT_TRUE(env.events_of("O-C2", "order.updated").at(0).data.at("carrier_label_changed").as_bool());
  ASSERT_TRUE(env.wait_event("O-C2", "label.printed", 2));
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "verify" && env.printer().count() >= 2; }));
  EXPECT_EQ(env.printer().command("raw 2"), hex(zpl));
  EXPECT_EQ(env.scan("1ZOLD0000000000001").code, "wrong_label");
  EXPECT_EQ(env.scan("1ZNEW0000000000002").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-C2", "pack.completed"));
}

TEST(CarrierLabel, AForbiddenCommandRejectsThePickListWithItsReason) {
  StationEnv env;
  for (const std::string command_text : {"~JR", "^JUS", "~JD", "^DFR:X.ZPL^FS", "~DGR:L.GRF,2,1,FF", "^IDR:*.*"}) {
    const std::string zpl = "^XA^FO10,10^FDx^FS" + command_text + "^XZ";
    auto out = env.apply(command(CommandType::pick_list, "O-F", body_with_label(zpl, "1Z1")));
    EXPECT_FALSE(out.accepted) << command_text;
    EXPECT_EQ(out.code, "invalid_pick_list");
    EXPECT_NE(out.reason.find(command_text.substr(0, 3) + " at byte 18 refused: it "), std::string::npos)
        << out.reason;
  }
  ASSERT_TRUE(env.wait_event("O-F", "order.rejected", 6)) << testing::PrintToString(env.types_of("O-F"));
  auto rejected = env.events_of("O-F", "order.rejected");
  ASSERT_EQ(rejected.size(), 6u) << testing::PrintToString(env.types_of("O-F"));
  auto issue = rejected.at(0).data.at("issues").as_array().at(0).as_object();
  EXPECT_EQ(issue.at("code").as_string(), "bad_label");
  EXPECT_EQ(issue.at("path").as_string(), "data.carrier_labels[0].zpl_base64");
  EXPECT_EQ(env.printer().count(), 0);
}

}  // namespace
}  // namespace wedge::test
