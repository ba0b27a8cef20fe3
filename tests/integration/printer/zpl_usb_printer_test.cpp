// zpl-usb against a pty pair standing in for /dev/usb/lp0: one-way devices (status unknown),
// devices that answer ~HS, globs and missing devices.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <filesystem>

#include "drivers/printer/schema.hpp"
#include "drivers/printer/zpl_usb_printer.hpp"
#include "tests/integration/printer/printer_test_env.hpp"

namespace wedge {
namespace {

using namespace std::chrono_literals;
using drivers::HealthState;

const std::string kIdleReply =
    "\x02" "030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n"
    "\x02" "000,0,0,0,1,2,4,0,00000000,1,000\x03\r\n"
    "\x02" "1234,0\x03\r\n";
const std::string kHeadOpenReply =
    "\x02" "030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n"
    "\x02" "000,0,1,0,1,2,4,0,00000000,1,000\x03\r\n"
    "\x02" "1234,0\x03\r\n";

class ZplUsbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[256] = {};
    ASSERT_EQ(::openpty(&master, &slave, name, nullptr, nullptr), 0);
    slave_path = name;
    ::fcntl(master, F_SETFL, O_NONBLOCK);
  }
  void TearDown() override {
    if (printer) printer->stop();
    ::close(master);
    ::close(slave);
  }
  void make(const std::string& path, const std::string& mode) {
    drivers::Settings s;
    for (const auto& k : drivers::zpl_usb_schema())
      if (k.default_value) s.set(k.name, *k.default_value);
    s.set("path", path);
    s.set("status_mode", mode);
    s.set("status_interval_ms", std::int64_t{100});
    s.set("status_timeout_ms", std::int64_t{200});
    s.set("reconnect_initial_ms", std::int64_t{20});
    s.set("reconnect_max_ms", std::int64_t{100});
    printer = std::make_unique<drivers::ZplUsbPrinter>(io.get_executor(), "usb1", s);
    printer->start();
  }
  // Reads what the driver wrote; answers each ~HS with `reply` when set.
  void serve(const std::string* reply) {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(master, buf, sizeof buf)) > 0) {
      received.append(buf, static_cast<std::size_t>(n));
      std::size_t pos;
      while ((pos = received.find("~HS")) != std::string::npos) {
        received.erase(pos, 3);
        if (reply != nullptr) (void)!::write(master, reply->data(), reply->size());
      }
    }
  }
  bool health_is(HealthState state, const std::string& reason, const std::string* reply) {
    return test::run_until(io, [&] {
      serve(reply);
      return printer->health().state == state && printer->health().reason == reason;
    });
  }
  drivers::PrintResult print(const std::string& zpl, const std::string* reply) {
    std::optional<drivers::PrintResult> result;
    printer->async_print(zpl, [&](const drivers::PrintResult& r) { result = r; });
    EXPECT_TRUE(test::run_until(io, [&] {
      serve(reply);
      return result.has_value();
    }));
    return result.value_or(drivers::PrintResult(drivers::print_failure(drivers::PrintError::stopped, "no result")));
  }

  int master = -1;
  int slave = -1;
  std::string slave_path;
  std::string received;
  boost::asio::io_context io;
  std::unique_ptr<drivers::ZplUsbPrinter> printer;
};

TEST_F(ZplUsbTest, OneWayDeviceHasUnknownStatusAndStillPrints) {
  make(slave_path, "auto");
  ASSERT_TRUE(health_is(HealthState::connected, "status unknown: device does not answer ~HS",
                        nullptr));
  EXPECT_FALSE(printer->status_known());
  auto r = print("^XA^FDusb^FS^XZ", nullptr);
  ASSERT_TRUE(r) << r.reason();
  ASSERT_TRUE(test::run_until(io, [&] {
    serve(nullptr);
    return received.find("^XA^FDusb^FS^XZ") != std::string::npos;
  }));
}

TEST_F(ZplUsbTest, AnsweringDeviceReportsFaultsAndSilenceAfterwards) {
  make(slave_path, "auto");
  ASSERT_TRUE(health_is(HealthState::connected, "", &kIdleReply));
  EXPECT_TRUE(printer->status_known());
  ASSERT_TRUE(print("^XA^FD1^FS^XZ", &kIdleReply));
  ASSERT_TRUE(health_is(HealthState::faulted, "head open", &kHeadOpenReply));
  EXPECT_EQ(print("^XA^FD2^FS^XZ", &kHeadOpenReply).reason(), "head open");
  // Once it has answered, silence is a fault, not "unknown".
  ASSERT_TRUE(health_is(HealthState::faulted, "not ready: no ~HS reply within 200 ms", nullptr));
  EXPECT_EQ(received.find("^FD2"), std::string::npos);
}

TEST_F(ZplUsbTest, StatusModeOffNeverAsks) {
  make(slave_path, "off");
  ASSERT_TRUE(health_is(HealthState::connected, "status unknown: status_mode is off", nullptr));
  ASSERT_TRUE(print("^XA^XZ", nullptr));
  EXPECT_EQ(received.find("~HS"), std::string::npos);
}

TEST_F(ZplUsbTest, GlobPicksTheFirstMatchAndMissingDeviceIsDisconnected) {
  test::TempDir dir;
  make(dir.path() + "/lp*", "auto");
  ASSERT_TRUE(health_is(HealthState::disconnected, "no device matches " + dir.path() + "/lp*",
                        nullptr));
  std::filesystem::create_symlink(slave_path, dir.file("lp0"));
  ASSERT_TRUE(health_is(HealthState::connected, "", &kIdleReply));
  ASSERT_TRUE(print("^XA^FDglob^FS^XZ", &kIdleReply));
  ASSERT_TRUE(test::run_until(io, [&] {
    serve(&kIdleReply);
    return received.find("^FDglob") != std::string::npos;
  }));
}

}  // namespace
}  // namespace wedge
