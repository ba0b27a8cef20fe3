#include "drivers/scale/register_map.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace wedge::drivers::scale {
namespace {

double decode(std::vector<std::uint16_t> regs, RegisterType type, WordOrder order) {
  return decode_registers(regs, type, order);
}

TEST(RegisterMap, Float32KnownValueBothWordOrders) {
  // 123456.0f = 0x47F12000 (devices-and-protocols.md, checked against libmodbus 3.1.6).
  EXPECT_DOUBLE_EQ(decode({0x47F1, 0x2000}, RegisterType::float32, WordOrder::big), 123456.0);
  EXPECT_DOUBLE_EQ(decode({0x2000, 0x47F1}, RegisterType::float32, WordOrder::little), 123456.0);
  EXPECT_DOUBLE_EQ(decode({0xC2F6, 0xE979}, RegisterType::float32, WordOrder::big),
                   static_cast<double>(-123.456F));
}

TEST(RegisterMap, Int32AndUint32) {
  EXPECT_DOUBLE_EQ(decode({0x0001, 0x86A0}, RegisterType::int32, WordOrder::big), 100000.0);
  EXPECT_DOUBLE_EQ(decode({0x86A0, 0x0001}, RegisterType::int32, WordOrder::little), 100000.0);
  EXPECT_DOUBLE_EQ(decode({0xFFFF, 0xFF38}, RegisterType::int32, WordOrder::big), -200.0);
  EXPECT_DOUBLE_EQ(decode({0xFFFF, 0xFF38}, RegisterType::uint32, WordOrder::big), 4294967096.0);
}

TEST(RegisterMap, Int16AndUint16) {
  EXPECT_DOUBLE_EQ(decode({0xFFFE}, RegisterType::int16, WordOrder::big), -2.0);
  EXPECT_DOUBLE_EQ(decode({0xFFFE}, RegisterType::uint16, WordOrder::big), 65534.0);
}

TEST(RegisterMap, TooFewRegistersIsNaN) {
  EXPECT_TRUE(std::isnan(decode({0x47F1}, RegisterType::float32, WordOrder::big)));
  EXPECT_TRUE(std::isnan(decode({}, RegisterType::int16, WordOrder::big)));
}

RegisterMap map_with_status() {
  RegisterMap map;
  map.type = RegisterType::int32;
  map.scale = 0.1;
  map.status_address = 10;
  map.stable_bit = 0;
  map.overload_bit = 1;
  map.underload_bit = 2;
  map.error_bit = 3;
  map.net_bit = 4;
  return map;
}

TEST(RegisterMap, ReadingWithStatusBits) {
  const auto map = map_with_status();
  const std::vector<std::uint16_t> regs = {0x0000, 0x30D9};  // 12505 * 0.1
  auto reading = decode_reading(map, regs, std::uint16_t{0x0011});
  EXPECT_NEAR(reading.grams, 1250.5, 1e-9);
  EXPECT_TRUE(reading.stable);
  EXPECT_TRUE(reading.net);
  EXPECT_EQ(reading.status, WeightStatus::ok);

  reading = decode_reading(map, regs, std::uint16_t{0x0003});
  EXPECT_EQ(reading.status, WeightStatus::overload);
  EXPECT_FALSE(reading.stable);
  EXPECT_EQ(reading.reason, "overload bit 1 set in status register 10 (0x0003)");

  reading = decode_reading(map, regs, std::uint16_t{0x0004});
  EXPECT_EQ(reading.status, WeightStatus::underload);
  reading = decode_reading(map, regs, std::uint16_t{0x0009});
  EXPECT_EQ(reading.status, WeightStatus::error);
  EXPECT_EQ(reading.reason, "error bit 3 set in status register 10 (0x0009)");
}

TEST(RegisterMap, InvertedStableBitMeansMotion) {
  auto map = map_with_status();
  map.stable_bit = 12;
  map.stable_bit_inverted = true;
  const std::vector<std::uint16_t> regs = {0, 100};
  EXPECT_TRUE(decode_reading(map, regs, std::uint16_t{0x0000}).stable);
  EXPECT_FALSE(decode_reading(map, regs, std::uint16_t{0x1000}).stable);
}

TEST(RegisterMap, NonFiniteFloatIsErrorReading) {
  RegisterMap map;
  map.type = RegisterType::float32;
  const std::vector<std::uint16_t> nan_regs = {0x7FC0, 0x0000};
  const auto reading = decode_reading(map, nan_regs, std::nullopt);
  EXPECT_EQ(reading.status, WeightStatus::error);
  EXPECT_EQ(reading.reason, "weight register holds no finite number");
}

TEST(RegisterMap, UnusedBitsAreIgnored) {
  RegisterMap map;  // no status bits configured
  map.status_address = 5;
  const std::vector<std::uint16_t> regs = {0, 7};
  const auto reading = decode_reading(map, regs, std::uint16_t{0xFFFF});
  EXPECT_EQ(reading.status, WeightStatus::ok);
  EXPECT_FALSE(reading.net);
  EXPECT_DOUBLE_EQ(reading.grams, 7.0);
  EXPECT_FALSE(map.device_reports_stability());
}

}  // namespace
}  // namespace wedge::drivers::scale
