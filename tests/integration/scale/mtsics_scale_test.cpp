// The MT-SICS driver against scripts/sim/mtsics-sim over a pty pair and over TCP: SI/SIR/S modes,
// stable vs dynamic replies, overload/underload, ES/ET/EL, garbage, silence, dropped links, Z and T.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "drivers/scale/factory.hpp"
#include "drivers/scale/schema.hpp"
#include "tests/support/scale_harness.hpp"
#include "tests/support/scale_sim.hpp"
#include "tests/support/scale_testing.hpp"

namespace wedge::drivers::scale {
namespace {

using std::chrono::milliseconds;

const std::string kSim = std::string(WEDGE_SOURCE_DIR) + "/scripts/sim/mtsics-sim";

enum class Link { pty, tcp };

class MtSicsTest : public ::testing::TestWithParam<Link>, public test::ScaleHarness {
 protected:
  void start(const std::string& mode = "si", std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {"python3", kSim, "--weight", "1234.5"};
    if (GetParam() == Link::pty) {
      argv.push_back("--pty");
    } else {
      argv.push_back("--tcp");
      argv.push_back("0");
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    sim_ = std::make_unique<test::SimProcess>(argv);
    auto s = test::settings_with_defaults(mtsics_scale_schema());
    if (GetParam() == Link::pty) {
      const auto pty = sim_->wait_for_line("PTY ");
      ASSERT_TRUE(pty.has_value()) << sim_->log();
      s.set("path", *pty);
    } else {
      const auto listen = sim_->wait_for_line("LISTEN ");
      ASSERT_TRUE(listen.has_value()) << sim_->log();
      s.set("transport", std::string("tcp"));
      s.set("host", std::string("127.0.0.1"));
      s.set("port", std::int64_t{test::port_of(*listen)});
    }
    s.set("mode", mode);
    s.set("poll_interval_ms", std::int64_t{40});
    s.set("response_timeout_ms", std::int64_t{mode == "s" ? 2000 : 400});
    s.set("reconnect_max_ms", std::int64_t{300});
    start_scale("mt-sics", s, "scale-sics");
  }

  std::unique_ptr<test::SimProcess> sim_;
};

TEST_P(MtSicsTest, SiPollingGivesStableWeight) {
  start();
  const auto result = next_stable(milliseconds(3000));
  ASSERT_TRUE(result && result->has_value()) << sim_->log();
  EXPECT_DOUBLE_EQ(result->value().grams, 1234.5);
  EXPECT_FALSE(result->value().net);
  EXPECT_EQ(scale_->health().state, HealthState::connected);
  EXPECT_FALSE(sim_->lines("RX SI").empty());
}

TEST_P(MtSicsTest, KilogramsAreConverted) {
  start();
  ASSERT_TRUE(sim_->command("unit kg"));
  ASSERT_TRUE(sim_->command("weight 2500"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 2500.0; })) << sim_->log();
}

TEST_P(MtSicsTest, DynamicThenSettles) {
  start();
  ASSERT_TRUE(sim_->command("unstable 40"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return !r.stable; }));
  std::optional<StableResult> result;
  scale_->async_next_stable(milliseconds(5000), [&](const StableResult& r) { result = r; });
  test::run_for(io_, milliseconds(200));
  EXPECT_FALSE(result.has_value());
  ASSERT_TRUE(sim_->command("stable"));
  ASSERT_TRUE(test::run_until(io_, [&] { return result.has_value(); }));
  ASSERT_TRUE(result->has_value());
  EXPECT_DOUBLE_EQ(result->value().grams, 1234.5);
}

TEST_P(MtSicsTest, KeepsMovingTimesOut) {
  start();
  ASSERT_TRUE(sim_->command("unstable 40"));
  const auto result = next_stable(milliseconds(600));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error().code, ScaleError::timeout);
}

TEST_P(MtSicsTest, OverloadAndUnderloadReadings) {
  start();
  ASSERT_TRUE(sim_->command("overload"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.status == WeightStatus::overload; }));
  EXPECT_EQ(readings_.back().reason, "S +: overload (above the weighing range)");
  ASSERT_TRUE(sim_->command("ok"));
  ASSERT_TRUE(sim_->command("underload"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.status == WeightStatus::underload; }));
  EXPECT_EQ(readings_.back().reason, "S -: underload (below the weighing range)");
  ASSERT_TRUE(sim_->command("ok"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.status == WeightStatus::ok; }));
}

TEST_P(MtSicsTest, GenericErrorsFaultThenRecover) {
  start();
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; }));
  for (const std::string error : {"ES", "ET", "EL"}) {
    ASSERT_TRUE(sim_->command("answer SI " + error));
    const std::string expected = error == "ES"   ? "SI answered with ES: syntax error (command not understood)"
                                 : error == "ET" ? "SI answered with ET: transmission error (parity or framing)"
                                                 : "SI answered with EL: logical error (parameter not allowed)";
    ASSERT_TRUE(wait_health_exact(HealthState::faulted, expected)) << scale_->health().reason;
    ASSERT_TRUE(wait_health_exact(HealthState::connected));
  }
}

TEST_P(MtSicsTest, GarbageIsIgnored) {
  start();
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; }));
  ASSERT_TRUE(sim_->command("send \\x00\\xff\\x1b[2J garbage"));
  ASSERT_TRUE(sim_->command("send S S abc g"));
  ASSERT_TRUE(sim_->command("send S"));
  ASSERT_TRUE(sim_->command("weight 99"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 99.0; }));
  EXPECT_EQ(scale_->health().state, HealthState::connected);
}

TEST_P(MtSicsTest, GarbageInsteadOfReplyTimesOutAndRecovers) {
  start();
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; }));
  ASSERT_TRUE(sim_->command("answer SI \\x01\\x02 noise"));
  ASSERT_TRUE(wait_health_exact(HealthState::faulted, "no reply to SI within 400 ms"));
  ASSERT_TRUE(wait_health_exact(HealthState::connected));
}

TEST_P(MtSicsTest, SilenceFaultsAndRecovers) {
  start();
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; }));
  ASSERT_TRUE(sim_->command("mute"));
  ASSERT_TRUE(wait_health_exact(HealthState::faulted, "no reply to SI within 400 ms"));
  const auto failed = next_stable(milliseconds(1000));
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->error().code, ScaleError::fault);
  ASSERT_TRUE(sim_->command("unmute"));
  ASSERT_TRUE(wait_health_exact(HealthState::connected));
}

TEST_P(MtSicsTest, ZeroAndTare) {
  start();
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; }));
  auto tare = run_command(true);
  ASSERT_TRUE(tare && tare->has_value()) << (tare ? tare->reason() : "none");
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 0.0 && r.net; }));
  ASSERT_TRUE(sim_->command("weight 1300"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 65.5 && r.net; }));
  auto zero = run_command(false);
  ASSERT_TRUE(zero && zero->has_value());
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 0.0 && !r.net; }));
}

TEST_P(MtSicsTest, ZeroAndTareRejected) {
  start();
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; }));
  ASSERT_TRUE(sim_->command("unstable 40"));
  auto zero = run_command(false);
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ(zero->error().code, ScaleError::rejected);
  EXPECT_EQ(zero->reason(), "Z I: command not executable now");
  ASSERT_TRUE(sim_->command("stable"));
  ASSERT_TRUE(sim_->command("answer Z Z +"));
  zero = run_command(false);
  EXPECT_EQ(zero->reason(), "Z +: upper limit of the zero range exceeded");
  ASSERT_TRUE(sim_->command("answer T EL"));
  auto tare = run_command(true);
  EXPECT_EQ(tare->error().code, ScaleError::rejected);
  EXPECT_EQ(tare->reason(), "EL: logical error (parameter not allowed)");
  ASSERT_TRUE(sim_->command("answer T T L"));
  tare = run_command(true);
  EXPECT_EQ(tare->reason(), "T L: parameter wrong or out of range");
  EXPECT_EQ(scale_->health().state, HealthState::connected);
}

TEST_P(MtSicsTest, SirStreamAndCommandResumesIt) {
  start("sir");
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.stable && r.grams == 1234.5; }))
      << sim_->log();
  EXPECT_TRUE(sim_->lines("RX SI").size() == sim_->lines("RX SIR").size());  // no SI polling
  auto tare = run_command(true);
  ASSERT_TRUE(tare && tare->has_value());
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 0.0 && r.net; }));
  EXPECT_GE(sim_->lines("RX SIR").size(), 2U);
  // Silence in SIR mode is noticed as well.
  ASSERT_TRUE(sim_->command("mute"));
  ASSERT_TRUE(wait_health_exact(HealthState::faulted, "no reply to SIR within 400 ms"));
  ASSERT_TRUE(sim_->command("unmute"));
  ASSERT_TRUE(wait_health_exact(HealthState::connected));
}

TEST_P(MtSicsTest, SModeOnlyStableWeights) {
  start("s", {"--stable-timeout-ms", "300"});
  ASSERT_TRUE(sim_->command("unstable 40"));
  test::run_for(io_, milliseconds(500));
  for (const auto& r : readings_) EXPECT_TRUE(r.stable);
  std::optional<StableResult> result;
  scale_->async_next_stable(milliseconds(5000), [&](const StableResult& r) { result = r; });
  ASSERT_TRUE(sim_->command("stable"));
  ASSERT_TRUE(test::run_until(io_, [&] { return result.has_value(); }));
  ASSERT_TRUE(result->has_value());
  EXPECT_DOUBLE_EQ(result->value().grams, 1234.5);
  EXPECT_FALSE(sim_->lines("TX S I").empty());  // the scale's own timeout happened meanwhile
  EXPECT_EQ(scale_->health().state, HealthState::connected);
}

INSTANTIATE_TEST_SUITE_P(Links, MtSicsTest, ::testing::Values(Link::pty, Link::tcp),
                         [](const auto& test_info) { return test_info.param == Link::pty ? "pty" : "tcp"; });

TEST(MtSicsTcp, DroppedConnectionReconnects) {
  boost::asio::io_context io;
  test::SimProcess sim({"python3", kSim, "--tcp", "0", "--weight", "10"});
  const auto listen = sim.wait_for_line("LISTEN ");
  ASSERT_TRUE(listen.has_value());
  auto s = test::settings_with_defaults(mtsics_scale_schema());
  s.set("transport", std::string("tcp"));
  s.set("host", std::string("127.0.0.1"));
  s.set("port", std::int64_t{test::port_of(*listen)});
  s.set("poll_interval_ms", std::int64_t{40});
  s.set("reconnect_max_ms", std::int64_t{300});
  auto scale = make_scale(io.get_executor(), "scale-sics", "mt-sics", s);
  std::vector<Reading> readings;
  std::vector<Health> health;
  scale->set_reading_handler([&](const Reading& r) { readings.push_back(r); });
  scale->set_health_handler([&](const Health& h) { health.push_back(h); });
  scale->start();
  ASSERT_TRUE(test::run_until(io, [&] { return !readings.empty(); }));
  ASSERT_TRUE(sim.command("drop"));
  ASSERT_TRUE(sim.command("weight 11"));
  ASSERT_TRUE(test::run_until(io, [&] { return readings.back().grams == 11.0; }));
  bool closed = false;
  std::string reasons;
  for (const auto& h : health) {
    closed = closed || h.reason == "connection closed by the scale";
    reasons += h.reason + "; ";
  }
  EXPECT_TRUE(closed) << reasons;
  scale->stop();
}

TEST(MtSicsSerial, MissingDeviceIsAFault) {
  boost::asio::io_context io;
  auto s = test::settings_with_defaults(mtsics_scale_schema());
  s.set("path", std::string("/dev/does-not-exist-wedge"));
  auto scale = make_scale(io.get_executor(), "scale-sics", "mt-sics", s);
  scale->start();
  ASSERT_TRUE(test::run_until(io, [&] { return scale->health().state == HealthState::faulted; }));
  EXPECT_EQ(scale->health().reason, "open /dev/does-not-exist-wedge: No such file or directory");
  scale->stop();
}

}  // namespace
}  // namespace wedge::drivers::scale
