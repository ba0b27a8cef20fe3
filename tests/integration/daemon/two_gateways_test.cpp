// A site with several gateways (issue 19, item 3; docs/oms-integration.md): two gateway processes
// on one mosquitto, the order picked on gateway A and packed on gateway B. `oms-sim route` is the
// OMS: it sends the pick list to A's pick station and, on A's pick.completed, the same order to B's
// pack station. The tote scanned at B before the order was routed there (the wrong gateway) is
// refused unknown_order; after routing, B's pack station takes it. A has no pack station: it hands
// the order over at pick.completed (the event says so) and refuses a later cancel as handed over.
// OMS consumers that scale (issue 19, item 4): three `oms-sim watch` workers on one MQTT 5 shared
// subscription split both gateways' events between them, and `oms-sim check` over the three
// records finds every event once, no seq gap, each worker's share in seq order.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <csignal>
#include <fstream>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/mosquitto.hpp"
#include "tests/support/wedge_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using namespace wedge::test;  // the peers and helpers of tests/support
constexpr auto has = contains;

const std::string kOmsSim = std::string(WEDGE_SOURCE_DIR) + "/tools/oms-sim/oms-sim";

class Gateway : public WedgeDaemon {
 public:
  Gateway(const Mosquitto& broker, const std::string& name, const std::string& stations_yaml)
      : WedgeDaemon({name, fast_broker(broker.uri()),
                     "printing:\n  template_dir: " WEDGE_SOURCE_DIR
                             "/config/templates\n  gs1_company_prefix: \"4006381\"\n" + stations_yaml}) {}
  std::string status() const { return get("/api/v1/status").body; }
  bool online() const { return has(status(), R"("connected":true)"); }
};

// How many lines of the files hold `needle` (and `also`, when given; missing files count 0).
int lines_with(const std::vector<std::string>& paths, const std::string& needle, const std::string& also = "") {
  int count = 0;
  for (const auto& path : paths) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) count += has(line, needle) && has(line, also) ? 1 : 0;
  }
  return count;
}

const char* kOrder = R"([{"order_id":"X-1","station":"P1","data":{
  "carrier":"DHL","label_template":"shipping",
  "ship_to":{"name":"Erika Mustermann","lines":["Hauptstr. 5"],"postcode":"10115","city":"Berlin","country":"DE"},
  "packaging_weight_grams":150,"weight_tolerance_grams":25,"weight_tolerance_percent":2,
  "lines":[{"sku":"SKU-106","gtins":["4006381330428"],"qty":1,"location":"R2-03","unit_weight_grams":330}]}}])";

TEST(TwoGateways, AnOrderPickedOnGatewayAIsRoutedByTheOmsAndPackedOnGatewayB) {
  Mosquitto broker;
  broker.start();
  Gateway a(broker, "gw-a", "stations:\n  - {id: P1, steps: [pick]}\n");
  Gateway b(broker, "gw-b",
            "devices:\n  - {id: scale-1, kind: scale, driver: modbus-tcp, host: 127.0.0.1, port: " +
                std::to_string(free_tcp_port()) + "}\n  - {id: printer-1, kind: printer, driver: zpl-tcp, host: "
                "127.0.0.1, port: " + std::to_string(free_tcp_port()) +
                "}\nstations:\n  - {id: PA1, steps: [pack, ship], scale: scale-1, printer: printer-1}\n");
  ASSERT_TRUE(wait_until([&] { return a.online() && b.online(); }, 20s)) << a.log() << b.log();
  const std::string record = a.file("oms.jsonl");
  Subprocess watch({"/usr/bin/python3", kOmsSim, "--broker", broker.uri(), "--site", "s1", "--gateway", "gw-a",
                    "watch", "--record", record},
                   a.file("watch.log"));
  ASSERT_TRUE(wait_until([&] { return lines_with({record}, "/gw-a/status") > 0; }, 20s)) << watch.log();

  write_file(a.file("orders.json"), kOrder);
  Subprocess oms({"/usr/bin/python3", kOmsSim, "--broker", broker.uri(), "--site", "s1", "--timeout", "20", "route",
                  "--orders", a.file("orders.json"), "--from", "gw-a:P1", "--to", "gw-b:PA1", "--duration", "60"},
                 a.file("oms-sim.log"));
  ASSERT_TRUE(wait_until([&] { return has(a.status(), R"("order_id":"X-1")"); }, 30s)) << a.status() << oms.log();

  // The tote at the wrong gateway: B has not been sent the order yet.
  const auto early = b.scan("PA1", "X-1");
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_TRUE(has(early.body, "unknown_order")) << early.body;

  const auto picked = a.scan("P1", "4006381330428");
  EXPECT_EQ(picked.status, 200) << picked.body;
  EXPECT_TRUE(has(picked.body, R"("result":"accepted")")) << picked.body;

  const int status = oms.wait(60s);
  ASSERT_NE(status, -1) << oms.log();
  EXPECT_EQ(WEXITSTATUS(status), 0) << oms.log();
  EXPECT_TRUE(has(oms.log(), "route: pick_list X-1 -> gw-a/P1: accepted")) << oms.log();
  EXPECT_TRUE(has(oms.log(), "route X-1: gw-a -> gw-b: accepted")) << oms.log();

  // B took the order: its pack station identifies it by the tote's order barcode.
  HttpReply packing;
  ASSERT_TRUE(wait_until([&] { return (packing = b.scan("PA1", "X-1")).status == 200; }, 20s))
      << packing.body << b.log();
  EXPECT_TRUE(has(b.status(), R"("order_id":"X-1")")) << b.status();

  // A handed the order over when it was picked; a cancel sent to A now is refused as such.
  EXPECT_TRUE(wait_until([&] {
    return lines_with({record}, "/gw-a/station/P1/event/pick.completed", R"("handed_over": true)") == 1;
  }, 20s)) << watch.log();
  Subprocess cancel({"/usr/bin/python3", kOmsSim, "--broker", broker.uri(), "--site", "s1", "--gateway", "gw-a",
                     "cancel", "X-1"},
                    a.file("cancel.log"));
  ASSERT_NE(cancel.wait(30s), -1) << cancel.log();
  EXPECT_TRUE(wait_until([&] {
    return lines_with({record}, "/gw-a/event/order.command_refused", R"("reason": "already_handed_over")") == 1;
  }, 20s)) << watch.log() << a.log();
  const auto again = a.scan("P1", "X-1");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_TRUE(has(again.body, "already_handed_over")) << again.body;
  watch.signal(SIGINT);
  EXPECT_NE(watch.wait(15s), -1) << watch.log();
}

TEST(TwoGateways, OmsWorkersOnASharedSubscriptionSplitTheStreamAndTheirMergedRecordsMissNothing) {
  Mosquitto broker;
  broker.start();
  Gateway a(broker, "gw-a", "stations:\n  - {id: P1, steps: [pick]}\n");
  Gateway b(broker, "gw-b", "stations:\n  - {id: P2, steps: [pick]}\n");
  ASSERT_TRUE(wait_until([&] { return a.online() && b.online(); }, 20s)) << a.log() << b.log();

  const std::string record = a.file("oms.jsonl");
  const std::vector<std::string> records = {record + ".0", record + ".1", record + ".2"};
  Subprocess workers({"/usr/bin/python3", kOmsSim, "--broker", broker.uri(), "watch", "--workers", "3", "--share",
                      "oms", "--record", record},
                     a.file("workers.log"));
  ASSERT_TRUE(wait_until([&] { return has(workers.log(), "watch: 3 workers in $share/oms"); }, 20s)) << workers.log();

  // Scans with no order: each is refused and sent as scan.refused, 8 per gateway.
  constexpr int kScans = 8;
  for (int i = 0; i < kScans; ++i) {
    EXPECT_EQ(a.scan("P1", "0109501101020917").status, 409);
    EXPECT_EQ(b.scan("P2", "0109501101020917").status, 409);
  }
  ASSERT_TRUE(wait_until([&] {
    return lines_with(records, "/gw-a/station/P1/event/scan.refused") >= kScans &&
           lines_with(records, "/gw-b/station/P2/event/scan.refused") >= kScans;
  }, 30s)) << workers.log();
  workers.signal(SIGINT);
  ASSERT_NE(workers.wait(15s), -1) << workers.log();
  // The broker spread the events: more than one worker got some.
  int workers_with_events = 0;
  for (const auto& path : records) workers_with_events += lines_with({path}, "scan.refused") > 0 ? 1 : 0;
  EXPECT_GE(workers_with_events, 2) << workers.log();

  Subprocess check({"/usr/bin/python3", kOmsSim, "check", "--record", records[0], records[1], records[2]},
                   a.file("check.log"));
  const int status = check.wait(30s);
  ASSERT_NE(status, -1) << check.log();
  EXPECT_EQ(WEXITSTATUS(status), 0) << check.log();
  EXPECT_TRUE(has(check.log(), "check s1/gw-a: OK: ")) << check.log();
  EXPECT_TRUE(has(check.log(), "check s1/gw-b: OK: ")) << check.log();
  EXPECT_TRUE(has(check.log(), "0 missing, 0 out of order")) << check.log();
}

}  // namespace
