// Serial numbers across orders and a daemon restart (issue 21, item 2), the wedge process with real
// peers: mosquitto (commands published with mosquitto_pub) and the HTTP scan API of two pick
// stations. A unit picked in O-1 before the restart is refused in O-2 after it, naming O-1; once
// O-1 is cancelled and its location scanned (the put-away the screen lists), the unit is back on
// the shelf and O-2 may take it.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/support/mosquitto.hpp"
#include "tests/support/wedge_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using namespace wedge::test;  // the peers and helpers of tests/support
constexpr auto has = contains;

// (01) GTIN of line A-1 at R1-01, (21) the serial, behind the GS1-128 symbology identifier.
const std::string kUnit = "]C1010950600013435221SER-42";

class SerialGateway : public WedgeDaemon {
 public:
  explicit SerialGateway(const Mosquitto& broker)
      : WedgeDaemon({"gw1", fast_broker(broker.uri()),
                     "serials:\n  retention_days: 30\nstations:\n  - {id: P1, steps: [pick]}\n"
                     "  - {id: P2, steps: [pick]}\n"}),
        broker_(broker) {}

  bool online() const { return has(get("/api/v1/status").body, R"("connected":true)"); }
  std::string station(const std::string& id) const { return get("/api/v1/stations/" + id).body; }

  void command(const std::string& type, const std::string& order_id, const std::string& more) {
    Subprocess pub({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker_.port()), "-q", "1", "-t",
                    "wedge/v1/s1/gw1/cmd/" + type, "-m",
                    R"({"schema":1,"id":"c-)" + type + "-" + order_id + R"(","type":")" + type +
                        R"(","order_id":")" + order_id + R"(",)" + more + "}"},
                   file("pub-" + type + "-" + order_id + ".log"));
    EXPECT_NE(pub.wait(10s), -1) << pub.log();
  }
  void pick_list(const std::string& order_id, const std::string& station_id) {
    command("pick_list", order_id,
            R"("station":")" + station_id + R"(","data":{"ship_date":"2030-06-16","lines":[)"
            R"({"sku":"A-1","gtins":["09506000134352"],"qty":2,"location":"R1-01"}]})");
    EXPECT_TRUE(wait_until([&] { return has(station(station_id), R"("id":")" + order_id + "\""); }, 20s))
        << station(station_id) << log();
  }

 private:
  const Mosquitto& broker_;
};

TEST(DaemonSerials, AUnitPickedBeforeARestartIsRefusedInAnotherOrderUntilItsCancelledOrderPutsItBack) {
  Mosquitto broker;
  broker.start();
  SerialGateway d(broker);
  ASSERT_TRUE(wait_until([&] { return d.online(); }, 20s)) << d.log();
  d.pick_list("O-1", "P1");
  const auto picked = d.scan("P1", kUnit);
  EXPECT_EQ(picked.status, 200) << picked.body;
  EXPECT_TRUE(has(picked.body, R"("result":"accepted")")) << picked.body;

  d.restart();
  ASSERT_TRUE(wait_until([&] { return d.online(); }, 20s)) << d.log();
  d.pick_list("O-2", "P2");
  const auto refused = d.scan("P2", kUnit);
  EXPECT_EQ(refused.status, 409) << refused.body;
  expect_contains_all(refused.body, {"serial_in_other_order", "(order O-1)"});

  // O-1 cancelled: P1 lists what goes back where; scanning that location puts it back.
  d.command("order.cancel", "O-1", R"("data":{"reason":"customer"})");
  ASSERT_TRUE(wait_until([&] { return has(d.station("P1"), R"("put_away":[{"location":"R1-01")"); }, 20s))
      << d.station("P1") << d.log();
  EXPECT_TRUE(has(d.station("P1"), R"("serials":["SER-42"])")) << d.station("P1");
  EXPECT_EQ(d.scan("P2", kUnit).status, 409);
  const auto back = d.scan("P1", "R1-01");
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_TRUE(has(back.body, "set_aside")) << back.body;
  const auto again = d.scan("P2", kUnit);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(has(again.body, R"("result":"accepted")")) << again.body;
}

}  // namespace
