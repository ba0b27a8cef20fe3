// The daemon end to end against a real mosquitto: retained birth/death status and retained device
// status that follows a device's health (a TCP scanner whose reader appears and vanishes) and its
// warnings (a ZPL printer simulator whose ~HQES reports paper near end).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/support/mosquitto.hpp"
#include "tests/support/printer_sim.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wedge_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using namespace wedge::test;  // the peers and helpers of tests/support

// A TCP "fixed-mount reader" that accepts the daemon's connection.
class FakeReader {
 public:
  explicit FakeReader(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::listen(fd_, 4);
  }
  ~FakeReader() {
    if (client_ >= 0) ::close(client_);
    ::close(fd_);
  }
  void accept_one() { client_ = ::accept(fd_, nullptr, nullptr); }

 private:
  int fd_ = -1;
  int client_ = -1;
};

class Subscriber {
 public:
  Subscriber(const TempDir& dir, int port, const std::string& filter)
      : process_({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(port), "-q", "1", "-v",
                  "-t", filter},
                 dir.file("sub-" + std::to_string(++count_) + ".log")) {}
  std::string output() const { return process_.log(); }
  bool saw(const std::string& needle) const { return output().find(needle) != std::string::npos; }

 private:
  static inline int count_ = 0;
  Subprocess process_;
};

TEST(DaemonUplink, RetainedStatusAndDeviceStatusFollowTheGatewayAndItsDevices) {
  Mosquitto broker;
  broker.start();
  TempDir dir;
  const int reader_port = free_tcp_port();
  WedgeDaemon daemon({
      "gw1", fast_broker(broker.uri(), 500),
      "devices:\n  - id: dock-scanner\n    kind: scanner\n    driver: tcp\n    mode: client\n"
          "    host: 127.0.0.1\n    port: " + std::to_string(reader_port) +
          "\n    reconnect_initial_ms: 100\n    reconnect_max_ms: 300\n"
          "stations:\n  - id: dock-1\n    steps: [ship]\n    scanner: dock-scanner\n"});

  // No reader yet: the device is reported disconnected, with the reason, retained.
  Subscriber first(dir, broker.port(), "wedge/v1/s1/gw1/#");
  ASSERT_TRUE(wait_until([&] { return first.saw("wedge/v1/s1/gw1/device/dock-scanner/status"); }, 15s))
      << first.output() << daemon.log();
  ASSERT_TRUE(wait_until([&] { return first.saw("\"online\":true"); }, 10s)) << first.output();
  EXPECT_TRUE(first.saw("\"stations\":[\"dock-1\"]")) << first.output();
  EXPECT_TRUE(first.saw("\"devices\":[\"dock-scanner\"]")) << first.output();
  EXPECT_TRUE(wait_until([&] { return first.saw("\"state\":\"disconnected\""); }, 10s)) << first.output();

  // The reader appears: connected, and a subscriber that arrives later gets it as the retained value.
  FakeReader reader(reader_port);
  reader.accept_one();
  ASSERT_TRUE(wait_until([&] { return first.saw("\"state\":\"connected\""); }, 10s))
      << first.output() << daemon.log();
  Subscriber late(dir, broker.port(), "wedge/v1/s1/gw1/device/+/status");
  EXPECT_TRUE(wait_until([&] { return late.saw("\"state\":\"connected\""); }, 10s)) << late.output();

  // Orderly stop: the retained status says offline.
  daemon.process().signal(SIGTERM);
  const int status = daemon.process().wait(6s);
  ASSERT_NE(status, -1) << daemon.log();
  EXPECT_EQ(WEXITSTATUS(status), 0) << daemon.log();
  Subscriber after(dir, broker.port(), "wedge/v1/s1/gw1/status");
  EXPECT_TRUE(wait_until([&] { return after.saw("\"online\":false"); }, 10s)) << after.output();
}

TEST(DaemonUplink, DeviceStatusCarriesThePrintersWarningsAsTheyComeAndGo) {
  Mosquitto broker;
  broker.start();
  TempDir dir;
  PrinterSim printer(std::string(WEDGE_SOURCE_DIR) + "/scripts/sim/zpl-printer-sim", dir.path());
  WedgeDaemon daemon({"gw3", fast_broker(broker.uri()),
                      "printing:\n  template_dir: " + dir.path() +
                          "\ndevices:\n  - id: label-printer\n    kind: printer\n    driver: zpl-tcp\n"
                          "    host: 127.0.0.1\n    port: " + std::to_string(printer.port()) +
                          "\n    status_interval_ms: 200\n"});
  Subscriber sub(dir, broker.port(), "wedge/v1/s1/gw3/device/label-printer/status");
  ASSERT_TRUE(wait_until([&] { return sub.saw(R"("state":"connected","reason":"","warnings":[])"); }, 15s))
      << sub.output() << daemon.log();

  // ~HQES warning bit 8 = paper near end: a new retained copy with the warning, state unchanged.
  EXPECT_EQ(printer.command("warnings 8"), "ok warnings 8");
  ASSERT_TRUE(wait_until([&] { return sub.saw(R"("state":"connected","reason":"","warnings":["paper near end"])"); }, 10s))
      << sub.output() << daemon.log();
  Subscriber late(dir, broker.port(), "wedge/v1/s1/gw3/device/label-printer/status");
  EXPECT_TRUE(wait_until([&] { return late.saw(R"("warnings":["paper near end"])"); }, 10s)) << late.output();

  // The warning clears: the retained copy says so.
  EXPECT_EQ(printer.command("warnings 0"), "ok warnings 0");
  Subscriber cleared(dir, broker.port(), "wedge/v1/s1/gw3/device/label-printer/status");
  EXPECT_TRUE(wait_until([&] { return cleared.saw(R"("warnings":[])"); }, 10s)) << cleared.output();
}

TEST(DaemonUplink, SigkillLeavesTheWillAsRetainedStatus) {
  Mosquitto broker;
  broker.start();
  TempDir dir;
  WedgeDaemon daemon({"gw2", "  uri: " + broker.uri() + "\n  keepalive_s: 5\n"});
  Subscriber sub(dir, broker.port(), "wedge/v1/s1/gw2/status");
  ASSERT_TRUE(wait_until([&] { return sub.saw("\"online\":true"); }, 15s)) << sub.output() << daemon.log();
  daemon.process().signal(SIGKILL);
  daemon.process().wait(5s);
  // The broker notices the dropped TCP connection at once and publishes the Will.
  EXPECT_TRUE(wait_until([&] { return sub.saw("\"online\":false"); }, 15s)) << sub.output();
  Subscriber later(dir, broker.port(), "wedge/v1/s1/gw2/status");
  EXPECT_TRUE(wait_until([&] { return later.saw("\"online\":false"); }, 10s)) << later.output();
}

}  // namespace
