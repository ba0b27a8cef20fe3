// zpl-tcp and ~HQES against the simulator over real TCP: warnings shown while jobs still print,
// ~HQES errors refuse jobs with their reason, the fallback to ~HS for printers that do not answer
// ~HQES (asked once per connection), and garbled ~HQES replies as clear faults.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "drivers/printer/zpl_tcp_printer.hpp"
#include "tests/integration/printer/printer_test_env.hpp"
#include "tests/support/printer_sim.hpp"

namespace wedge {
namespace {

using drivers::HealthState;
using Warnings = std::vector<std::string>;

class ZplHqesTest : public ::testing::Test {
 protected:
  void start(std::vector<std::string> sim_args = {}) {
    sim = std::make_unique<test::PrinterSim>(test::kSimScript, dir.path(), std::move(sim_args));
    printer = std::make_unique<drivers::ZplTcpPrinter>(io.get_executor(), "label1",
                                                       test::tcp_settings(sim->port()));
    printer->start();
    ASSERT_TRUE(health_is(HealthState::connected, "")) << printer->health().reason << sim->log();
  }
  void TearDown() override {
    if (printer) printer->stop();
  }

  bool health_is(HealthState state, const std::string& reason, const Warnings& warnings = {}) {
    return test::run_until(io, [&] {
      const auto& h = printer->health();
      return h.state == state && h.reason == reason && h.warnings == warnings;
    });
  }
  drivers::PrintResult print(const std::string& zpl) {
    std::optional<drivers::PrintResult> result;
    printer->async_print(zpl, [&](const drivers::PrintResult& r) { result = r; });
    EXPECT_TRUE(test::run_until(io, [&] { return result.has_value(); }));
    return result.value_or(drivers::PrintResult(drivers::print_failure(drivers::PrintError::stopped, "no result")));
  }
  std::int64_t sim_counter(const std::string& name) {
    return boost::json::parse(sim->command("status")).at(name).as_int64();
  }

  test::TempDir dir;
  boost::asio::io_context io;
  std::unique_ptr<test::PrinterSim> sim;
  std::unique_ptr<drivers::ZplTcpPrinter> printer;
};

TEST_F(ZplHqesTest, WarningsAreShownAndTheJobStillPrints) {
  start();
  EXPECT_EQ(sim->command("warnings 8"), "ok warnings 8");
  ASSERT_TRUE(health_is(HealthState::connected, "", {"paper near end"}))
      << printer->health().reason;
  auto r = print("^XA^FDwarned^FS^XZ");
  ASSERT_TRUE(r) << r.reason();
  ASSERT_TRUE(test::wait_until([&] { return sim->count() == 1; }));

  sim->command("warnings 6");
  ASSERT_TRUE(health_is(HealthState::connected, "", {"clean printhead", "replace printhead"}));
  sim->command("warnings 0");
  EXPECT_TRUE(health_is(HealthState::connected, ""));
}

TEST_F(ZplHqesTest, AnErrorRefusesTheJobWithItsReason) {
  start();
  sim->command("errors 8");  // a cutter fault: ~HS has no field for it
  sim->command("warnings 1");
  ASSERT_TRUE(health_is(HealthState::faulted, "cutter fault", {"media needs calibration"}))
      << printer->health().reason;
  auto r = print("^XA^FDx^FS^XZ");
  EXPECT_EQ(r.error().code, drivers::PrintError::not_ready);
  EXPECT_EQ(r.reason(), "cutter fault");
  EXPECT_EQ(r.error().bytes_sent, 0u);
  sim->command("errors 0");
  sim->command("warnings 0");
  ASSERT_TRUE(health_is(HealthState::connected, ""));
  EXPECT_EQ(sim->count(), 0);
}

TEST_F(ZplHqesTest, PaperOutIsNamedEvenWhenTheRealPrinterKeepsSilentOnHs) {
  start({"--silent-when-faulted"});
  sim->set("paper-out", true);
  ASSERT_TRUE(health_is(HealthState::faulted, "paper out")) << printer->health().reason;
  auto r = print("^XA^FDx^FS^XZ");
  EXPECT_EQ(r.error().code, drivers::PrintError::not_ready);
  EXPECT_EQ(r.reason(), "paper out");
}

TEST_F(ZplHqesTest, APrinterWithoutHqesFallsBackToHsOncePerConnection) {
  start({"--hqes", "none"});
  EXPECT_TRUE(printer->status_known());
  auto r = print("^XA^FDold firmware^FS^XZ");
  ASSERT_TRUE(r) << r.reason();
  sim->set("paper-out", true);
  ASSERT_TRUE(health_is(HealthState::faulted, "paper out"));
  EXPECT_EQ(print("^XA^FDx^FS^XZ").reason(), "paper out");
  sim->set("paper-out", false);
  ASSERT_TRUE(health_is(HealthState::connected, ""));
  ASSERT_TRUE(test::wait_until([&] { return sim->count() == 1; }));
  EXPECT_GE(sim_counter("hs_queries"), 4);
  EXPECT_EQ(sim_counter("hqes_queries"), 1);

  // A new connection asks again, and a printer that answers now is heard.
  sim->command("hqes answer");
  sim->command("warnings 8");
  sim->down();
  ASSERT_TRUE(test::run_until(io, [&] { return printer->health().state == HealthState::disconnected; }));
  sim->up();
  EXPECT_TRUE(health_is(HealthState::connected, "", {"paper near end"})) << printer->health().reason;
}

TEST_F(ZplHqesTest, AGarbledOrShortHqesReplyIsAClearFault) {
  start();
  sim->command("hqes garbage");
  const std::string garbled = "unreadable ~HQES reply: ERRORS: has 2 fields, expected 3";
  ASSERT_TRUE(health_is(HealthState::faulted, garbled)) << printer->health().reason;
  EXPECT_EQ(print("^XA^FDx^FS^XZ").reason(), garbled);

  sim->command("hqes short");
  const std::string short_reply = "unreadable ~HQES reply: no ERRORS: line";
  ASSERT_TRUE(health_is(HealthState::faulted, short_reply)) << printer->health().reason;
  EXPECT_EQ(print("^XA^FDx^FS^XZ").reason(), short_reply);

  sim->command("hqes answer");
  ASSERT_TRUE(health_is(HealthState::connected, ""));
  ASSERT_TRUE(print("^XA^FDback^FS^XZ"));
  EXPECT_TRUE(test::wait_until([&] { return sim->count() == 1; }));
}

}  // namespace
}  // namespace wedge
