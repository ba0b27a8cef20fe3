// Commands from the OMS through a real mosquitto: queued while the gateway is down, stored and
// answered after it reconnects; bad commands each get their rejection code; rebirth.
#include "tests/integration/mqtt/probe.hpp"
#include "tests/integration/mqtt/runner.hpp"
#include "tests/support/mosquitto.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>


namespace wedge::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kBase = "wedge/v1/site1/gw1";
constexpr const char* kCommandClient = "wedge-site1-gw1-cmd";  // the runner's command channel

std::vector<boost::json::object> replies(const Probe& probe) {
  std::vector<boost::json::object> out;
  for (const auto& m : probe.messages()) {
    if (m.topic == std::string(kBase) + "/ack") out.push_back(boost::json::parse(m.payload).as_object());
  }
  return out;
}

std::string pick_list(const std::string& id, const std::string& order) {
  return R"({"schema":1,"id":")" + id + R"(","type":"pick_list","order_id":")" + order +
         R"(","station":"st1","data":{"lines":[{"sku":"A-1","qty":2}]}})";
}

std::string order_command(const std::string& type, const std::string& id, const std::string& order) {
  return R"({"schema":1,"id":")" + id + R"(","type":")" + type + R"(","order_id":")" + order + R"("})";
}

TEST(Downlink, CommandsPublishedWhileTheGatewayIsDownArriveAfterReconnect) {
  Mosquitto broker;
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-cmd", std::string(kBase) + "/#");
  auto runner = start_runner(broker.uri(), state.path(), {}, state.file("runner1.log"));
  // The broker queues commands only for a subscription it has acknowledged.
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "mqtt subscribed"); }, 10s)) << runner->log();
  runner->stop();  // clean: the broker keeps the session and queues for it

  oms.publish(std::string(kBase) + "/cmd/pick_list", pick_list("c-1", "O-1"));
  oms.publish(std::string(kBase) + "/cmd/order.hold", order_command("order.hold", "c-2", "O-1"));
  oms.publish(std::string(kBase) + "/cmd/order.cancel", order_command("order.cancel", "c-3", "O-404"));

  runner = start_runner(broker.uri(), state.path(), {}, state.file("runner2.log"));
  ASSERT_TRUE(wait_until([&] { return replies(oms).size() >= 3; }, 15s)) << runner->log();
  const auto r = replies(oms);
  EXPECT_EQ(r[0].at("command_id").as_string(), "c-1");
  EXPECT_EQ(r[0].at("status").as_string(), "accepted");
  EXPECT_EQ(r[1].at("command_id").as_string(), "c-2");
  EXPECT_EQ(r[1].at("status").as_string(), "accepted");
  EXPECT_EQ(r[2].at("command_id").as_string(), "c-3");
  EXPECT_EQ(r[2].at("status").as_string(), "rejected");
  EXPECT_EQ(r[2].at("code").as_string(), "unknown_order");
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "command order.hold c-2 O-1"); }, 5s)) << runner->log();
  EXPECT_TRUE(log_has(*runner, "command pick_list c-1 O-1"));

  // The OMS resends a command it got no reply for: answered again, no second effect.
  oms.publish(std::string(kBase) + "/cmd/pick_list", pick_list("c-1", "O-1"));
  ASSERT_TRUE(wait_until([&] { return replies(oms).size() >= 4; }, 10s));
  EXPECT_TRUE(replies(oms)[3].at("duplicate").as_bool());
  EXPECT_EQ(replies(oms)[3].at("status").as_string(), "accepted");
}

// The promise of docs/mqtt-api.md, "Command delivery promise": a command is acknowledged to the
// broker only once committed. The test holds the write lock of commands.db, so the gateway's commit
// waits (busy timeout 5 s); the gateway is killed in that window and comes back: the broker still
// has the command and sends it again (DUP set), and it is applied then. The broker's packet log
// shows the delivery, the missing PUBACK and the second delivery.
TEST(Downlink, AGatewayKilledBeforeTheCommitGetsTheCommandAgain) {
  MosquittoOptions logged;
  logged.log_packets = true;
  Mosquitto broker(logged);
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-kill", std::string(kBase) + "/ack");
  auto runner = start_runner(broker.uri(), state.path(), {}, state.file("runner1.log"));
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "mqtt subscribed"); }, 10s)) << runner->log();
  const std::string to_gateway = "Sending PUBLISH to " + std::string(kCommandClient) + " (";
  const std::string topic = "'" + std::string(kBase) + "/cmd/pick_list'";
  const auto deliveries = [&](const char* dup) { return broker.log_lines({to_gateway, dup, topic}); };
  const auto pubacks = [&] { return broker.log_lines({"Received PUBACK from ", kCommandClient, " ("}); };

  sqlite3* lock = nullptr;
  ASSERT_EQ(sqlite3_open(state.file("commands.db").c_str(), &lock), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(lock, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  oms.publish(std::string(kBase) + "/cmd/pick_list", pick_list("c-kill", "O-9"));
  ASSERT_TRUE(wait_until([&] { return deliveries("(d0,") == 1; }, 10s)) << "never delivered";
  // Delivered and waiting for the commit: a PUBACK sent on receipt would show within this window.
  EXPECT_FALSE(wait_until([&] { return pubacks() > 0; }, 1s)) << "acknowledged before the commit";
  EXPECT_FALSE(log_has(*runner, "c-kill")) << runner->log();
  runner->signal(SIGKILL);
  runner->wait(5s);
  sqlite3_exec(lock, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(lock);
  EXPECT_TRUE(replies(oms).empty());

  runner = start_runner(broker.uri(), state.path(), {}, state.file("runner2.log"));
  ASSERT_TRUE(wait_until([&] { return replies(oms).size() >= 1; }, 15s)) << runner->log();
  EXPECT_EQ(deliveries("(d1,"), 1u) << "the broker sends the unacknowledged command again";
  const auto r = replies(oms);
  EXPECT_EQ(r[0].at("command_id").as_string(), "c-kill");
  EXPECT_EQ(r[0].at("status").as_string(), "accepted");
  EXPECT_FALSE(r[0].contains("duplicate") && r[0].at("duplicate").as_bool()) << "it was never stored before";
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "command pick_list c-kill O-9"); }, 5s)) << runner->log();
  EXPECT_TRUE(wait_until([&] { return pubacks() == 1; }, 10s)) << "acknowledged once stored";
}

TEST(Downlink, BadCommandsAreRejectedWithTheirCodeAndTheLinkSurvives) {
  Mosquitto broker;
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-bad", std::string(kBase) + "/ack");
  auto runner = start_runner(broker.uri(), state.path(), {}, state.file("runner.log"));
  ASSERT_TRUE(wait_until([&] { return log_has(*runner, "mqtt subscribed"); }, 10s)) << runner->log();
  oms.publish(std::string(kBase) + "/cmd/pick_list", pick_list("good-1", "O-1"));

  struct Case {
    std::string type;  // topic level after cmd/ ("": the topic is {base}/cmd itself)
    std::string payload;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"pick_list", "", "malformed_json"},
      {"pick_list", "{not json", "malformed_json"},
      {"pick_list", "[]", "not_an_object"},
      {"pick_list", "17", "not_an_object"},
      {"pick_list", std::string(300 * 1024, 'x'), "too_large"},
      {"pick_list", std::string(1024 * 1024, 'x'), "too_large"},  // so large it is skipped unread
      {"rebirth", R"({"schema":1,"type":"rebirth"})", "missing_field"},
      {"rebirth", R"({"schema":1,"id":5,"type":"rebirth"})", "invalid_field"},
      {"rebirth", R"({"id":"b1","type":"rebirth"})", "missing_field"},
      {"rebirth", R"({"schema":2,"id":"b2","type":"rebirth"})", "unsupported_schema"},
      {"rebirth", R"({"schema":"1","id":"b3","type":"rebirth"})", "invalid_field"},
      {"order.delete", R"({"schema":1,"id":"b4","type":"order.delete","order_id":"O-1"})", "unknown_type"},
      {"order.hold", R"({"schema":1,"id":"b5","type":"order.cancel","order_id":"O-1"})", "type_mismatch"},
      {"order.hold", R"({"schema":1,"id":"b6","type":"order.hold"})", "missing_field"},
      {"order.hold", order_command("order.hold", "b7", "O-never"), "unknown_order"},
      {"order.cancel", order_command("order.cancel", "b8", "O-never"), "unknown_order"},
      {"order.release", order_command("order.release", "b9", "O-1"), "invalid_state"},
      {"pick_list", pick_list("b10", "O-1"), "order_exists"},
      {"pick_list", R"({"schema":1,"id":"b11","type":"pick_list","order_id":"O-2","station":"st1","data":{"lines":[]}})",
       "invalid_field"},
      {"pick_list", R"({"schema":1,"id":"b12","type":"pick_list","order_id":"O-2","data":{"lines":[{"sku":"A","qty":1}]}})",
       "missing_field"},
      {"pick_list",
       R"({"schema":1,"id":"b13","type":"pick_list","order_id":"O-2","station":"st1","data":{"lines":[{"sku":"A","qty":-1}]}})",
       "invalid_field"},
      {"order.update", R"({"schema":1,"id":"b14","type":"order.update","order_id":"O-never","data":{"lines":[{"sku":"A","qty":1}]}})",
       "unknown_order"},
      {"order.update", R"({"schema":1,"id":"b15","type":"order.update","order_id":"O-1","data":{"lines":"x"}})",
       "invalid_field"},
      {"", pick_list("b16", "O-3"), "type_mismatch"},
  };
  ASSERT_GE(cases.size(), 20u);
  for (const auto& c : cases)
    oms.publish(std::string(kBase) + (c.type.empty() ? "/cmd" : "/cmd/" + c.type), c.payload);
  ASSERT_TRUE(wait_until([&] { return replies(oms).size() >= cases.size() + 1; }, 20s))
      << "got " << replies(oms).size() << "\n" << runner->log();
  const auto r = replies(oms);
  EXPECT_EQ(r[0].at("status").as_string(), "accepted");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& reply = r[i + 1];
    EXPECT_EQ(reply.at("status").as_string(), "rejected") << i;
    EXPECT_EQ(reply.at("code").as_string(), cases[i].code) << "case " << i << ": " << reply.at("reason").as_string();
    EXPECT_FALSE(reply.at("reason").as_string().empty());
  }
  // Still alive and serving.
  oms.publish(std::string(kBase) + "/cmd/order.hold", order_command("order.hold", "good-2", "O-1"));
  ASSERT_TRUE(wait_until([&] { return replies(oms).size() >= cases.size() + 2; }, 10s));
  EXPECT_EQ(replies(oms).back().at("status").as_string(), "accepted");
  EXPECT_TRUE(runner->running());
}

TEST(Downlink, RebirthRepublishesTheRetainedStatus) {
  Mosquitto broker;
  TempDir state;
  Probe oms(broker.paho_uri(), "oms-rebirth", std::string(kBase) + "/status");
  auto runner = start_runner(broker.uri(), state.path(), {"--devices", "scale-1,scanner-1"}, state.file("runner.log"));
  ASSERT_TRUE(wait_until([&] { return oms.count() >= 1 && log_has(*runner, "mqtt subscribed"); }, 10s))
      << runner->log();
  oms.publish(std::string(kBase) + "/cmd/rebirth", R"({"schema":1,"id":"r-1","type":"rebirth"})");
  ASSERT_TRUE(wait_until([&] { return oms.count() >= 2; }, 10s)) << runner->log();
  const auto birth = boost::json::parse(oms.messages().back().payload).as_object();
  EXPECT_TRUE(birth.at("online").as_bool());
  EXPECT_EQ(birth.at("devices").as_array().size(), 2u);
  EXPECT_EQ(birth.at("session").as_int64(), 1);
}

}  // namespace
}  // namespace wedge::test
