// OpListeners against a real Paho client: a CONNECT that Paho drops with its client is never called
// back, and release_unfinished() frees its listener (the leak ASan reported in
// Uplink.SigtermWhileConnectIsPendingExitsCleanly); a CONNECT that Paho ends frees its own.
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <mqtt/async_client.h>

#include <chrono>
#include <memory>
#include <string>

#include "daemon/mqtt/paho_listener.hpp"
#include "tests/support/process.hpp"

namespace wedge::mqtt {
namespace {

using namespace std::chrono_literals;

struct Owner : std::enable_shared_from_this<Owner> {
  int outcomes = 0;
  void on_result(OpTag, OpResult) { ++outcomes; }
};

std::unique_ptr<::mqtt::async_client> make_client(const std::string& uri) {
  return std::make_unique<::mqtt::async_client>(uri, "paho-listener-test",
                                                ::mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
}

::mqtt::connect_options connect_options() {
  return ::mqtt::connect_options_builder().connect_timeout(30s).clean_session(true).finalize();
}

TEST(OpListeners, ConnectDroppedWithItsClientIsReleased) {
  boost::asio::io_context loop;
  auto owner = std::make_shared<Owner>();
  test::SilentTcpListener broker;
  OpListeners<Owner> listeners;
  auto client = make_client("tcp://127.0.0.1:" + std::to_string(broker.port()));
  auto& op = listeners.make(owner, loop.get_executor(), &Owner::on_result, OpTag{1, 0, 0});
  auto token = client->connect(connect_options(), nullptr, op);
  // Once the connection waits at the listener, Paho has taken the CONNECT off its command queue.
  ASSERT_TRUE(broker.connection_pending(10s));
  EXPECT_EQ(listeners.unfinished(), 1U);
  token.reset();
  client.reset();  // the CONNECT is still waiting for a CONNACK
  EXPECT_EQ(listeners.unfinished(), 1U) << "Paho called back a CONNECT it dropped";
  listeners.release_unfinished();
  EXPECT_EQ(listeners.unfinished(), 0U);
  loop.poll();
  EXPECT_EQ(owner->outcomes, 0);
}

TEST(OpListeners, ConnectThatPahoEndsFreesItsListener) {
  boost::asio::io_context loop;
  auto owner = std::make_shared<Owner>();
  OpListeners<Owner> listeners;
  // Nothing listens on a port that was free a moment ago: the CONNECT fails at once.
  auto client = make_client("tcp://127.0.0.1:" + std::to_string(test::free_tcp_port()));
  auto& op = listeners.make(owner, loop.get_executor(), &Owner::on_result, OpTag{1, 0, 0});
  auto token = client->connect(connect_options(), nullptr, op);
  ASSERT_TRUE(test::wait_until([&] { return listeners.unfinished() == 0; }, 10s));
  loop.poll();
  EXPECT_EQ(owner->outcomes, 1);
  token.reset();
  client.reset();
}

}  // namespace
}  // namespace wedge::mqtt
