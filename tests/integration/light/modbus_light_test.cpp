// ModbusLight against tools/modbus-sim --mode light over Modbus TCP: named patterns reach the right
// coils (as recorded by the simulator), timed patterns end, blinking, custom patterns from config,
// unknown names, and a tower that goes away and comes back.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>

#include "drivers/light/factory.hpp"
#include "drivers/light/schema.hpp"
#include "tests/support/scale_sim.hpp"
#include "tests/support/scale_testing.hpp"

namespace wedge::drivers::light {
namespace {

using std::chrono::milliseconds;

const std::string kSim = std::string(WEDGE_BINARY_DIR) + "/tools/modbus-sim/modbus-sim";

Settings pattern(std::vector<std::int64_t> coils, std::int64_t duration_ms, std::int64_t blink_ms) {
  Settings s;
  s.set("coils", std::move(coils));
  s.set("duration_ms", duration_ms);
  s.set("blink_ms", blink_ms);
  return s;
}

class ModbusLightTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Port 0: the simulator binds a free port itself and names it, so no other test can take
    // the port between a lookup here and its bind.
    sim_ = std::make_unique<test::SimProcess>(
        std::vector<std::string>{kSim, "--mode", "light", "--port", "0", "--coils", "8"});
    const auto listen = sim_->wait_for_line("LISTEN ");
    ASSERT_TRUE(listen.has_value()) << sim_->log();
    port_ = test::port_of(*listen);
    settings_ = test::settings_with_defaults(modbus_tcp_light_schema());
    settings_.set("host", std::string("127.0.0.1"));
    settings_.set("port", std::int64_t{port_});
    settings_.set("poll_interval_ms", std::int64_t{100});
    settings_.set("reconnect_max_ms", std::int64_t{300});
    settings_.set("response_timeout_ms", std::int64_t{300});
    settings_.set_table("patterns", {{"accepted", pattern({2}, 300, 0)},
                                     {"attention", pattern({1}, 0, 80)},
                                     {"packing", pattern({5, 6}, 0, 0)}});
  }

  void start() {
    light_ = make_light(io_.get_executor(), "light-1", "modbus-tcp", settings_);
    ASSERT_NE(light_, nullptr);
    light_->start();
  }

  // The coil image of the simulator's latest write, e.g. "00100000".
  std::string coils() const {
    const auto writes = sim_->lines("[");
    if (writes.empty()) return "";
    const auto& last = writes.back();
    const auto at = last.find("COILS ");
    return at == std::string::npos ? "" : last.substr(at + 6, 8);
  }

  bool wait_coils(const std::string& image, milliseconds timeout = milliseconds(5000)) {
    return test::run_until(io_, [&] { return coils() == image; }, timeout);
  }

  void TearDown() override {
    if (light_) light_->stop();
  }

  boost::asio::io_context io_;
  int port_ = 0;
  std::unique_ptr<test::SimProcess> sim_;
  Settings settings_;
  std::unique_ptr<Light> light_;
};

TEST_F(ModbusLightTest, StartsIdleAndConnects) {
  start();
  ASSERT_TRUE(wait_coils("00000000")) << sim_->log();
  ASSERT_TRUE(test::run_until(io_, [&] { return light_->health().state == HealthState::connected; }));
}

TEST_F(ModbusLightTest, AcceptedLightsGreenThenGoesIdle) {
  start();
  ASSERT_TRUE(wait_coils("00000000"));
  // The pattern's 300 ms run from the signal at the earliest, so the idle image can only be seen
  // 300 ms after signal() or later, however late this thread sees either write.
  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_TRUE(light_->signal("accepted"));
  ASSERT_TRUE(wait_coils("00100000")) << sim_->log();
  ASSERT_TRUE(wait_coils("00000000"));
  EXPECT_GE(std::chrono::steady_clock::now() - signalled, milliseconds(300));
  const auto writes = sim_->lines("[");
  ASSERT_FALSE(writes.empty());
  EXPECT_NE(writes.back().find("(fc 15 addr 0 count 8)"), std::string::npos) << writes.back();
}

TEST_F(ModbusLightTest, RejectedDefaultRedAndBuzzer) {
  start();
  ASSERT_TRUE(light_->signal("rejected"));
  ASSERT_TRUE(wait_coils("10010000")) << sim_->log();
}

TEST_F(ModbusLightTest, CustomPatternFromConfig) {
  start();
  ASSERT_TRUE(light_->signal("packing"));
  ASSERT_TRUE(wait_coils("00000110")) << sim_->log();
}

TEST_F(ModbusLightTest, AttentionBlinks) {
  start();
  ASSERT_TRUE(light_->signal("attention"));
  ASSERT_TRUE(wait_coils("01000000"));
  ASSERT_TRUE(wait_coils("00000000"));
  ASSERT_TRUE(wait_coils("01000000"));
}

TEST_F(ModbusLightTest, UnknownPatternIsRefused) {
  start();
  ASSERT_TRUE(wait_coils("00000000"));
  const auto before = sim_->lines("[").size();
  EXPECT_FALSE(light_->signal("disco"));
  test::run_for(io_, milliseconds(150));
  EXPECT_EQ(sim_->lines("[").size(), before);
  EXPECT_EQ(light_->health().state, HealthState::connected);
}

TEST_F(ModbusLightTest, TowerAwayAndBackShowsCurrentPattern) {
  start();
  ASSERT_TRUE(wait_coils("00000000"));
  ASSERT_TRUE(sim_->command("down"));
  // First the broken connection (reset), then the refused reconnects.
  ASSERT_TRUE(test::run_until(io_, [&] {
    return light_->health().reason ==
           "connect tcp 127.0.0.1:" + std::to_string(port_) + " unit 1: Connection refused";
  })) << light_->health().reason;
  EXPECT_EQ(light_->health().state, HealthState::faulted);
  ASSERT_TRUE(light_->signal("packing"));  // shown as soon as the tower answers again
  ASSERT_TRUE(sim_->command("up"));
  ASSERT_TRUE(wait_coils("00000110")) << sim_->log();
  ASSERT_TRUE(test::run_until(io_, [&] { return light_->health().state == HealthState::connected; }));
}

TEST_F(ModbusLightTest, ExceptionIsAFaultWithReason) {
  start();
  ASSERT_TRUE(wait_coils("00000000"));
  ASSERT_TRUE(sim_->command("exception 4"));
  ASSERT_TRUE(test::run_until(io_, [&] { return light_->health().state == HealthState::faulted; }));
  EXPECT_EQ(light_->health().reason, "read 8 coils at 0: Slave device or server failure (exception 4)");
  ASSERT_TRUE(sim_->command("exception 0"));
  ASSERT_TRUE(test::run_until(io_, [&] { return light_->health().state == HealthState::connected; }));
}

TEST(ModbusLightRtu, PatternOverPtyPair) {
  boost::asio::io_context io;
  test::SimProcess sim({kSim, "--mode", "light", "--rtu-pty", "--unit", "3", "--coils", "4"});
  const auto pty = sim.wait_for_line("PTY ");
  ASSERT_TRUE(pty.has_value()) << sim.log();
  auto settings = test::settings_with_defaults(modbus_rtu_light_schema());
  settings.set("path", *pty);
  settings.set("unit_id", std::int64_t{3});
  settings.set("coil_count", std::int64_t{4});
  auto light = make_light(io.get_executor(), "light-rtu", "modbus-rtu", settings);
  ASSERT_NE(light, nullptr);
  light->start();
  ASSERT_TRUE(light->signal("rejected"));
  ASSERT_TRUE(test::run_until(io, [&] {
    const auto writes = sim.lines("[");
    return !writes.empty() && writes.back().find("COILS 1001 ") != std::string::npos;
  })) << sim.log() << light->health().reason;
  EXPECT_EQ(light->health().state, HealthState::connected);
  light->stop();
}

}  // namespace
}  // namespace wedge::drivers::light
