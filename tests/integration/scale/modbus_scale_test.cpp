// The Modbus scale driver against tools/modbus-sim over real Modbus TCP on 127.0.0.1 (and RTU over
// a pty pair): register types and word orders, stability from the status bit and in software,
// exception responses, timeouts, a server that goes away and comes back, zero and tare.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "drivers/scale/factory.hpp"
#include "drivers/scale/modbus_scale.hpp"
#include "drivers/scale/schema.hpp"
#include "tests/support/scale_harness.hpp"
#include "tests/support/scale_sim.hpp"
#include "tests/support/scale_testing.hpp"

namespace wedge::drivers::scale {
namespace {

using std::chrono::milliseconds;

const std::string kSim = std::string(WEDGE_BINARY_DIR) + "/tools/modbus-sim/modbus-sim";

struct SimOptions {
  std::string type = "int32";
  std::string word_order = "big";
  double scale = 1.0;
  double weight = 0.0;
};

class ModbusScaleTest : public ::testing::Test, public test::ScaleHarness {
 protected:
  void start_sim(const SimOptions& o) {
    // Port 0: the simulator binds a free port itself and names it (no lookup-then-bind race).
    sim_ = std::make_unique<test::SimProcess>(std::vector<std::string>{
        kSim, "--mode", "scale", "--port", "0", "--type", o.type, "--word-order", o.word_order,
        "--scale", std::to_string(o.scale), "--weight", std::to_string(o.weight)});
    const auto listen = sim_->wait_for_line("LISTEN ");
    ASSERT_TRUE(listen.has_value()) << sim_->log();
    port_ = test::port_of(*listen);
  }

  Settings settings(const SimOptions& o, bool status_bits) {
    auto s = test::settings_with_defaults(modbus_tcp_scale_schema());
    s.set("host", std::string("127.0.0.1"));
    s.set("port", std::int64_t{port_});
    s.set("register_type", o.type);
    s.set("word_order", o.word_order);
    s.set("scale", o.scale);
    s.set("poll_interval_ms", std::int64_t{40});
    s.set("response_timeout_ms", std::int64_t{300});
    s.set("reconnect_max_ms", std::int64_t{300});
    s.set("stable_window_ms", std::int64_t{300});
    s.set("tolerance_grams", 1.0);
    s.set("command_register", std::int64_t{20});
    if (status_bits) {
      s.set("status_register", std::int64_t{10});
      s.set("stable_bit", std::int64_t{0});
      s.set("overload_bit", std::int64_t{1});
      s.set("underload_bit", std::int64_t{2});
      s.set("error_bit", std::int64_t{3});
      s.set("net_bit", std::int64_t{4});
    }
    return s;
  }

  void start_scale(const Settings& s, std::string_view driver = "modbus-tcp") { ScaleHarness::start_scale(driver, s); }
  // The simulator with `sim`, the driver with status bits on it: true once a first reading came.
  bool start_reading(const SimOptions& sim) {
    start_sim(sim);
    start_scale(settings(sim, true));
    return wait_reading([](const Reading&) { return true; });
  }

  int port_ = 0;
  std::unique_ptr<test::SimProcess> sim_;
};

struct TypeCase {
  SimOptions sim;
  double expected_grams;
};

class ModbusRegisterTypes : public ModbusScaleTest,
                            public ::testing::WithParamInterface<TypeCase> {};

TEST_P(ModbusRegisterTypes, ReadsKnownWeight) {
  const auto& param = GetParam();
  start_sim(param.sim);
  start_scale(settings(param.sim, true));
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; })) << sim_->log();
  const auto& r = readings_.back();
  EXPECT_NEAR(r.grams, param.expected_grams, 1e-6);
  EXPECT_TRUE(r.stable);
  EXPECT_FALSE(r.net);
  EXPECT_EQ(r.status, WeightStatus::ok);
  EXPECT_EQ(scale_->health().state, HealthState::connected);
}

INSTANTIATE_TEST_SUITE_P(
    AllTypes, ModbusRegisterTypes,
    ::testing::Values(TypeCase{{"int16", "big", 0.1, 1250.5}, 1250.5},
                      TypeCase{{"int16", "big", 1.0, -1200}, -1200.0},
                      TypeCase{{"uint16", "big", 1.0, 65000}, 65000.0},
                      TypeCase{{"int32", "big", 0.01, 123456.78}, 123456.78},
                      TypeCase{{"int32", "little", 0.01, 123456.78}, 123456.78},
                      TypeCase{{"int32", "little", 1.0, -250000}, -250000.0},
                      TypeCase{{"uint32", "big", 1.0, 3000000000.0}, 3000000000.0},
                      TypeCase{{"float32", "big", 1.0, 123456.0}, 123456.0},
                      TypeCase{{"float32", "little", 1.0, 123456.0}, 123456.0},
                      TypeCase{{"float32", "big", 1000.0, 1500.0}, 1500.0}));

TEST_F(ModbusScaleTest, WrongWordOrderGivesAnotherNumber) {
  // The simulator sends CDAB, the driver is told ABCD: the weight must not come out right, which
  // proves the word_order key is honoured rather than guessed.
  SimOptions sim{"float32", "little", 1.0, 123456.0};
  start_sim(sim);
  SimOptions wrong = sim;
  wrong.word_order = "big";
  start_scale(settings(wrong, true));
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; }));
  EXPECT_NE(readings_.back().grams, 123456.0);
}

TEST_F(ModbusScaleTest, InputRegistersToo) {
  SimOptions sim{"int32", "big", 1.0, 777};
  start_sim(sim);
  auto s = settings(sim, true);
  s.set("function", std::string("input"));
  start_scale(s);
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 777.0; }));
}

TEST_F(ModbusScaleTest, StableBitSettlingWeight) {
  SimOptions sim{"int32", "big", 0.1, 1500.0};
  start_sim(sim);
  ASSERT_TRUE(sim_->command("unstable 50"));
  start_scale(settings(sim, true));
  std::optional<StableResult> result;
  scale_->async_next_stable(milliseconds(5000), [&](const StableResult& r) { result = r; });
  ASSERT_TRUE(wait_reading([](const Reading& r) { return !r.stable; }));
  EXPECT_FALSE(result.has_value());
  ASSERT_TRUE(sim_->command("stable"));
  ASSERT_TRUE(test::run_until(io_, [&] { return result.has_value(); }));
  ASSERT_TRUE(result->has_value()) << result->reason();
  EXPECT_NEAR(result->value().grams, 1500.0, 1e-6);
  EXPECT_TRUE(result->value().stable);
}

TEST_F(ModbusScaleTest, SoftwareStabilitySettlingWeight) {
  SimOptions sim{"int32", "big", 0.1, 800.0};
  start_sim(sim);
  ASSERT_TRUE(sim_->command("unstable 30"));
  start_scale(settings(sim, false));
  std::optional<StableResult> result;
  scale_->async_next_stable(milliseconds(5000), [&](const StableResult& r) { result = r; });
  test::run_for(io_, milliseconds(400));
  EXPECT_FALSE(result.has_value());
  ASSERT_TRUE(sim_->command("stable"));
  ASSERT_TRUE(test::run_until(io_, [&] { return result.has_value(); }));
  ASSERT_TRUE(result->has_value()) << result->reason();
  EXPECT_NEAR(result->value().grams, 800.0, 1e-6);
}

TEST_F(ModbusScaleTest, SoftwareStabilityKeepsMovingTimesOut) {
  SimOptions sim{"int32", "big", 0.1, 800.0};
  start_sim(sim);
  ASSERT_TRUE(sim_->command("unstable 30"));
  start_scale(settings(sim, false));
  const auto result = next_stable(milliseconds(800));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error().code, ScaleError::timeout);
  EXPECT_NE(result->reason().find("no stable weight within 800 ms (last reading"), std::string::npos)
      << result->reason();
  EXPECT_EQ(scale_->health().state, HealthState::connected);
}

TEST_F(ModbusScaleTest, SoftwareStabilityJumpWaitsForNewWeight) {
  SimOptions sim{"int32", "big", 1.0, 1000.0};
  start_sim(sim);
  start_scale(settings(sim, false));
  auto first = next_stable(milliseconds(3000));
  ASSERT_TRUE(first && first->has_value());
  EXPECT_DOUBLE_EQ(first->value().grams, 1000.0);
  ASSERT_TRUE(sim_->command("weight 2500"));
  const auto jumped_at = std::chrono::steady_clock::now();
  auto second = next_stable(milliseconds(3000));
  ASSERT_TRUE(second && second->has_value()) << (second ? second->reason() : "no result");
  EXPECT_DOUBLE_EQ(second->value().grams, 2500.0);
  // The new weight counts only after a full stable window at its value.
  EXPECT_GE(second->value().at - jumped_at, milliseconds(300));
  bool saw_unstable_2500 = false;
  for (const auto& r : readings_)
    if (r.grams == 2500.0 && !r.stable) saw_unstable_2500 = true;
  EXPECT_TRUE(saw_unstable_2500);
}

TEST_F(ModbusScaleTest, ExceptionResponseFaultsAndRecovers) {
  ASSERT_TRUE(start_reading(SimOptions{"int32", "big", 1.0, 42.0}));
  ASSERT_TRUE(sim_->command("exception 4"));
  ASSERT_TRUE(wait_health(HealthState::faulted));
  EXPECT_EQ(scale_->health().reason,
            "read holding register 0: Slave device or server failure (exception 4)");
  const auto failed = next_stable(milliseconds(2000));
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->error().code, ScaleError::fault);
  ASSERT_TRUE(sim_->command("exception 2"));
  ASSERT_TRUE(test::run_until(io_, [&] {
    return scale_->health().reason ==
           "read holding register 0: Illegal data address (exception 2)";
  }));
  ASSERT_TRUE(sim_->command("exception 0"));
  ASSERT_TRUE(wait_health(HealthState::connected));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 42.0; }));
}

TEST_F(ModbusScaleTest, ResponseTimeoutFaultsAndRecovers) {
  ASSERT_TRUE(start_reading(SimOptions{"int32", "big", 1.0, 42.0}));
  ASSERT_TRUE(sim_->command("delay 600"));
  ASSERT_TRUE(wait_health(HealthState::faulted));
  EXPECT_EQ(scale_->health().reason, "read holding register 0: Connection timed out");
  ASSERT_TRUE(sim_->command("delay 0"));
  ASSERT_TRUE(wait_health(HealthState::connected));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 42.0; }));
}

TEST_F(ModbusScaleTest, ServerAwayAndBack) {
  ASSERT_TRUE(start_reading(SimOptions{"int32", "big", 1.0, 42.0}));
  ASSERT_TRUE(sim_->command("down"));
  ASSERT_TRUE(test::run_until(io_, [&] {
    return scale_->health().reason ==
           "connect tcp 127.0.0.1:" + std::to_string(port_) + " unit 1: Connection refused";
  })) << scale_->health().reason;
  ASSERT_TRUE(sim_->command("weight 43"));
  ASSERT_TRUE(sim_->command("up"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 43.0; }));
  EXPECT_EQ(scale_->health().state, HealthState::connected);
  // The path went connected → faulted → ... → connected.
  bool saw_fault = false;
  for (const auto& h : health_log_) saw_fault = saw_fault || h.state == HealthState::faulted;
  EXPECT_TRUE(saw_fault);
}

TEST_F(ModbusScaleTest, DroppedConnectionReconnects) {
  ASSERT_TRUE(start_reading(SimOptions{"int32", "big", 1.0, 42.0}));
  ASSERT_TRUE(sim_->command("drop"));
  ASSERT_TRUE(sim_->command("weight 44"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 44.0; }));
}

TEST_F(ModbusScaleTest, NoServerAtAllIsAFaultNotACrash) {
  port_ = test::free_tcp_port();
  SimOptions sim;
  start_scale(settings(sim, true));
  ASSERT_TRUE(wait_health(HealthState::faulted));
  EXPECT_NE(scale_->health().reason.find("Connection refused"), std::string::npos);
}

TEST_F(ModbusScaleTest, StatusBitsOverloadUnderloadError) {
  SimOptions sim{"int32", "big", 1.0, 42.0};
  start_sim(sim);
  start_scale(settings(sim, true));
  ASSERT_TRUE(sim_->command("overload"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.status == WeightStatus::overload; }));
  EXPECT_EQ(readings_.back().reason, "overload bit 1 set in status register 10 (0x0003)");
  EXPECT_FALSE(readings_.back().stable);
  ASSERT_TRUE(sim_->command("ok"));
  ASSERT_TRUE(sim_->command("underload"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.status == WeightStatus::underload; }));
  ASSERT_TRUE(sim_->command("ok"));
  ASSERT_TRUE(sim_->command("error"));
  ASSERT_TRUE(wait_health(HealthState::faulted));
  EXPECT_EQ(scale_->health().reason, "error bit 3 set in status register 10 (0x0009)");
  ASSERT_TRUE(sim_->command("ok"));
  ASSERT_TRUE(wait_health(HealthState::connected));
}

TEST_F(ModbusScaleTest, TareAndZeroThroughCommandRegister) {
  SimOptions sim{"int32", "big", 1.0, 500.0};
  start_sim(sim);
  start_scale(settings(sim, true));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 500.0 && !r.net; }));
  std::optional<CommandResult> tare;
  scale_->async_tare([&](const CommandResult& r) { tare = r; });
  ASSERT_TRUE(test::run_until(io_, [&] { return tare.has_value(); }));
  ASSERT_TRUE(tare->has_value()) << tare->reason();
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 0.0 && r.net; }));
  ASSERT_TRUE(sim_->command("weight 650"));
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 150.0 && r.net; }));
  std::optional<CommandResult> zero;
  scale_->async_zero([&](const CommandResult& r) { zero = r; });
  ASSERT_TRUE(test::run_until(io_, [&] { return zero.has_value(); }));
  ASSERT_TRUE(zero->has_value());
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.grams == 0.0 && !r.net; }));
}

TEST_F(ModbusScaleTest, ZeroRejectedByExceptionAndUnsupportedWithoutRegister) {
  SimOptions sim{"int32", "big", 1.0, 5.0};
  start_sim(sim);
  auto s = settings(sim, true);
  start_scale(s);
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; }));
  ASSERT_TRUE(sim_->command("exception 1"));
  std::optional<CommandResult> zero;
  scale_->async_zero([&](const CommandResult& r) { zero = r; });
  ASSERT_TRUE(test::run_until(io_, [&] { return zero.has_value(); }));
  EXPECT_EQ(zero->error().code, ScaleError::rejected);
  EXPECT_EQ(zero->reason(), "zero: write register 20: Illegal function (exception 1)");
  scale_->stop();

  s.set("command_register", std::int64_t{-1});
  start_scale(s);
  std::optional<CommandResult> tare;
  scale_->async_tare([&](const CommandResult& r) { tare = r; });
  ASSERT_TRUE(test::run_until(io_, [&] { return tare.has_value(); }));
  EXPECT_EQ(tare->error().code, ScaleError::not_supported);
  EXPECT_EQ(tare->reason(), "tare not supported: no command_register configured");
}

TEST_F(ModbusScaleTest, NoHandlerAfterStop) {
  SimOptions sim{"int32", "big", 1.0, 5.0};
  start_sim(sim);
  start_scale(settings(sim, true));
  ASSERT_TRUE(wait_reading([](const Reading&) { return true; }));
  bool called = false;
  scale_->async_next_stable(milliseconds(50), [&](const StableResult&) { called = true; });
  scale_->stop();
  const auto count = readings_.size();
  test::run_for(io_, milliseconds(200));
  EXPECT_FALSE(called);
  EXPECT_EQ(readings_.size(), count);
}

TEST_F(ModbusScaleTest, RtuOverPtyPair) {
  sim_ = std::make_unique<test::SimProcess>(std::vector<std::string>{
      kSim, "--mode", "scale", "--rtu-pty", "--unit", "7", "--scale", "0.1", "--weight", "321.5"});
  const auto pty = sim_->wait_for_line("PTY ");
  ASSERT_TRUE(pty.has_value()) << sim_->log();
  auto s = test::settings_with_defaults(modbus_rtu_scale_schema());
  s.set("path", *pty);
  s.set("unit_id", std::int64_t{7});
  s.set("scale", 0.1);
  s.set("poll_interval_ms", std::int64_t{50});
  s.set("status_register", std::int64_t{10});
  s.set("stable_bit", std::int64_t{0});
  start_scale(s, "modbus-rtu");
  ASSERT_TRUE(wait_reading([](const Reading& r) { return r.stable; })) << sim_->log()
                                                                       << scale_->health().reason;
  EXPECT_NEAR(readings_.back().grams, 321.5, 1e-6);
}

}  // namespace
}  // namespace wedge::drivers::scale
