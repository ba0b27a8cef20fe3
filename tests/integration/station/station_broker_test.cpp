// A scripted order pick → pack → ship through the scanner simulator (TCP), the Modbus scale and
// light, the ZPL printer simulator and a real mosquitto: the pick list arrives as an MQTT command,
// the OMS (a probe client) sees every event in seq order.
#include <gtest/gtest.h>

#include "tests/integration/mqtt/probe.hpp"
#include "tests/integration/station/station_env.hpp"
#include "tests/support/mosquitto.hpp"
#include "tests/support/scanner_sim.hpp"

namespace wedge::test {
namespace {

TEST(StationBroker, ScriptedOrderThroughSimulatorsAndBroker) {
  Mosquitto broker;
  TempDir sim_dir;
  ScannerSim scanner(kScannerScript, {"--tcp-listen", "0"}, sim_dir);
  ASSERT_TRUE(wait_until([&] { return scanner.listen_port() > 0; })) << scanner.log();
  EnvOptions options;
  options.broker_uri = broker.uri();
  options.scanner_port = scanner.listen_port();
  StationEnv env(options);
  Probe oms(broker.paho_uri(), "oms-probe", "wedge/v1/s1/gw1/#");
  ASSERT_TRUE(env.run_until([&] { return env.link().stats().connected; }));

  oms.publish("wedge/v1/s1/gw1/cmd/pick_list",
              R"({"schema":1,"id":"c-100","type":"pick_list","order_id":"O-100","station":"st1","data":)" +
                  order_body() + "}");
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-100"; }));

  auto scan = [&](const std::string& line, const std::string& expect_code) {
    const auto seq = env.snap().last_scan.seq;
    scanner.send(line);
    ASSERT_TRUE(env.run_until([&] { return env.snap().last_scan.seq > seq; })) << line << "\n" << scanner.log();
    EXPECT_EQ(env.snap().last_scan.code, expect_code) << line;
  };
  scan("5901234123457", "wrong_item");
  scan("]C10109506000134352", "accepted");
  scan("9506000134352", "accepted");
  scan("4006381333931", "accepted");
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  env.set_weight(716.5);
  {
    // The order scan's own verdict can be followed at once by the weight's ("weight_ok") when the
    // scale is already stable, and on a busy machine even by the printed label's prompt
    // ("label_printed", attention) before the test looks. Each of those follows only an accepted
    // order scan; a refused one would stop at its own verdict.
    const auto seq = env.snap().last_scan.seq;
    scanner.send("O-100");
    ASSERT_TRUE(env.run_until([&] { return env.snap().last_scan.seq > seq; })) << scanner.log();
    const auto code = env.snap().last_scan.code;
    EXPECT_TRUE(code == "accepted" || code == "weight_ok" || code == "label_printed") << code;
  }
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "verify"; }));
  const std::string sscc = env.snap().label_sscc;
  ASSERT_EQ(sscc.size(), 18u);
  scan("]C100" + sscc, "accepted");
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id.empty(); }));
  scan("]C100" + sscc, "accepted");

  // The OMS sees every event, in seq order, with the envelope fields.
  const std::vector<std::string> expected = {
      "order.received", "pick.started", "scan.refused", "pick.item_picked", "pick.item_picked",
      "pick.item_picked", "pick.completed", "pack.started", "weight.ok",       "label.printed",
      "label.verified",   "pack.completed", "order.shipped"};
  std::vector<std::string> types;
  ASSERT_TRUE(env.run_until([&] {
    types.clear();
    std::int64_t last_seq = 0;
    for (const auto& m : oms.messages()) {
      if (m.topic.find("/station/st1/event/") == std::string::npos) continue;
      auto doc = boost::json::parse(m.payload).as_object();
      if (doc["order_id"] != "O-100") continue;
      if (doc["seq"].as_int64() <= last_seq) continue;  // a resent duplicate
      last_seq = doc["seq"].as_int64();
      types.emplace_back(doc["type"].as_string());
    }
    return types.size() >= expected.size();
  })) << types.size();
  EXPECT_EQ(types, expected);
  for (const auto& m : oms.messages()) {
    if (m.topic.size() < 14 || m.topic.substr(m.topic.size() - 14) != "/order.shipped") continue;
    auto doc = boost::json::parse(m.payload).as_object();
    EXPECT_EQ(doc["station"], "st1");
    EXPECT_EQ(doc["data"].as_object()["carrier"], "DHL");
    EXPECT_EQ(std::string(doc["data"].as_object()["sscc"].as_string()), sscc);
  }
}

}  // namespace
}  // namespace wedge::test
