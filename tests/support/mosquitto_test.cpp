// The broker peer itself: a port that another process takes between free_tcp_port() and
// mosquitto's bind (tests running beside each other under ctest -j) moves the broker to a new port
// instead of failing the test.
#include "tests/support/mosquitto.hpp"

#include <gtest/gtest.h>

namespace wedge::test {
namespace {

TEST(Mosquitto, MovesToANewPortWhenItsPortIsTakenBeforeItStarts) {
  SilentTcpListener taken;
  MosquittoOptions options;
  options.first_port = taken.port();
  Mosquitto broker(options);
  EXPECT_NE(broker.port(), taken.port());
  EXPECT_EQ(broker.log_lines({"Error: Address already in use"}), 1u) << broker.log();
  EXPECT_EQ(broker.log_lines({"Opening ipv4 listen socket on port " + std::to_string(broker.port())}), 1u)
      << broker.log();
  EXPECT_TRUE(tcp_port_open(broker.port()));
}

TEST(Mosquitto, ARestartStaysOnItsPort) {
  Mosquitto broker;
  const int port = broker.port();
  broker.stop();
  broker.start();
  EXPECT_EQ(broker.port(), port);
  EXPECT_EQ(broker.log_lines({"mosquitto version", " running"}), 2u) << broker.log();
}

}  // namespace
}  // namespace wedge::test
