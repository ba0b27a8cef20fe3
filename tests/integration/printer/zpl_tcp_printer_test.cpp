// zpl-tcp against the simulator over real TCP: printing, and every fault with its reason.
#include <gtest/gtest.h>

#include "drivers/printer/zpl_tcp_printer.hpp"
#include "tests/integration/printer/printer_test_env.hpp"
#include "tests/support/printer_sim.hpp"

namespace wedge {
namespace {

using namespace std::chrono_literals;
using drivers::HealthState;

class ZplTcpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim = std::make_unique<test::PrinterSim>(test::kSimScript, dir.path(), extra_args);
    printer = std::make_unique<drivers::ZplTcpPrinter>(io.get_executor(), "label1",
                                                       test::tcp_settings(sim->port()));
    printer->set_health_handler([this](const drivers::Health& h) {
      reasons.push_back(std::string(to_string(h.state)) + ":" + h.reason);
    });
    printer->start();
    ASSERT_TRUE(healthy()) << sim->log();
  }
  void TearDown() override { printer->stop(); }

  bool healthy() {
    return test::run_until(io, [&] { return printer->health().state == HealthState::connected; });
  }
  bool health_is(HealthState state, const std::string& reason) {
    return test::run_until(io, [&] {
      return printer->health().state == state && printer->health().reason == reason;
    });
  }
  drivers::PrintResult print(const std::string& zpl) {
    std::optional<drivers::PrintResult> result;
    printer->async_print(zpl, [&](const drivers::PrintResult& r) { result = r; });
    EXPECT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
    return result.value_or(drivers::PrintResult(drivers::print_failure(drivers::PrintError::stopped, "no result")));
  }

  std::vector<std::string> extra_args;
  test::TempDir dir;
  boost::asio::io_context io;
  std::unique_ptr<test::PrinterSim> sim;
  std::unique_ptr<drivers::ZplTcpPrinter> printer;
  std::vector<std::string> reasons;
};

TEST_F(ZplTcpTest, PrintsALabelAndKnowsTheStatus) {
  EXPECT_TRUE(printer->status_known());
  const std::string zpl = "^XA^FO10,10^FDhello^FS^XZ";
  auto r = print(zpl);
  ASSERT_TRUE(r) << r.reason();
  EXPECT_EQ(*r, zpl.size());
  ASSERT_TRUE(test::wait_until([&] { return sim->count() == 1; }));
  auto render = sim->render();
  ASSERT_EQ(render.labels.size(), 1u);
  EXPECT_EQ(render.labels[0].fields.at(0).text, "hello");
}

TEST_F(ZplTcpTest, EachFaultIsReportedWithItsReasonAndHoldsJobsBack) {
  const std::vector<std::pair<std::string, std::string>> faults = {
      {"paper-out", "paper out"}, {"head-open", "head open"}, {"pause", "paused"},
      {"ribbon-out", "ribbon out"}, {"buffer-full", "buffer full"}};
  for (const auto& [flag, reason] : faults) {
    sim->set(flag, true);
    ASSERT_TRUE(health_is(HealthState::faulted, reason)) << flag << " " << printer->health().reason;
    auto r = print("^XA^FDx^FS^XZ");
    EXPECT_EQ(r.error().code, drivers::PrintError::not_ready) << flag;
    EXPECT_EQ(r.reason(), reason);
    EXPECT_EQ(r.error().bytes_sent, 0u);
    sim->set(flag, false);
    ASSERT_TRUE(health_is(HealthState::connected, "")) << flag;
  }
  EXPECT_EQ(sim->count(), 0);
  sim->set("paper-out", true);
  sim->set("head-open", true);
  EXPECT_TRUE(health_is(HealthState::faulted, "paper out, head open"));
}

TEST_F(ZplTcpTest, NoHsReplyIsNotReady) {
  sim->set("mute", true);
  ASSERT_TRUE(health_is(HealthState::faulted, "not ready: no ~HS reply within 300 ms"));
  EXPECT_FALSE(printer->status_known());
  auto r = print("^XA^FDx^FS^XZ");
  EXPECT_EQ(r.error().code, drivers::PrintError::not_ready);
  EXPECT_EQ(r.reason(), "not ready: no ~HS reply within 300 ms");
  sim->set("mute", false);
  EXPECT_TRUE(health_is(HealthState::connected, ""));
  EXPECT_EQ(sim->count(), 0);
}

TEST_F(ZplTcpTest, UnreachableThenBack) {
  sim->down();
  ASSERT_TRUE(test::run_until(io, [&] { return printer->health().state == HealthState::disconnected; }));
  const auto refused = "connect 127.0.0.1:" + std::to_string(sim->port()) + ": Connection refused";
  ASSERT_TRUE(health_is(HealthState::disconnected, refused)) << printer->health().reason;
  auto r = print("^XA^FDx^FS^XZ");
  EXPECT_EQ(r.error().code, drivers::PrintError::not_ready);
  EXPECT_EQ(r.reason(), "printer disconnected: " + refused);
  sim->up();
  ASSERT_TRUE(healthy());
  EXPECT_TRUE(print("^XA^FDy^FS^XZ"));
  ASSERT_TRUE(test::wait_until([&] { return sim->count() == 1; }));
  // The first report of the loss is the closed connection, then the refusals.
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "disconnected:printer closed the connection"),
            reasons.end());
}

TEST_F(ZplTcpTest, StatusTurningBadAfterAJobIsReportedAtOnce) {
  // A slow poll, so that only the check after the job can see the change in time.
  printer->stop();
  printer = std::make_unique<drivers::ZplTcpPrinter>(io.get_executor(), "label1",
                                                     test::tcp_settings(sim->port(), 60000));
  printer->start();
  ASSERT_TRUE(healthy());
  sim->command("paper-out-after 1");
  ASSERT_TRUE(print("^XA^FDlast one^FS^XZ"));
  // The next regular poll is a minute away: within the wait's deadline only the check that follows
  // the job can see the fault.
  EXPECT_TRUE(test::run_until(io, [&] { return printer->health().state == HealthState::faulted; }));
  EXPECT_EQ(printer->health().reason, "paper out");
  EXPECT_EQ(sim->count(), 1);
}

class ZplTcpSilentTest : public ZplTcpTest {
 protected:
  // Old firmware: no ~HQES, so silence on ~HS is all there is (zpl_hqes_test.cpp has the
  // printer that names the fault over ~HQES).
  ZplTcpSilentTest() { extra_args = {"--silent-when-faulted", "--hqes", "none"}; }
};

TEST_F(ZplTcpSilentTest, PrinterThatFallsSilentWhenHeadOpenIsNotReady) {
  sim->set("head-open", true);
  EXPECT_TRUE(health_is(HealthState::faulted, "not ready: no ~HS reply within 300 ms"));
  sim->set("head-open", false);
  EXPECT_TRUE(health_is(HealthState::connected, ""));
}

}  // namespace
}  // namespace wedge
