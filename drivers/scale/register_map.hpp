// RegisterMap: where and how a Modbus weighing indicator exposes its weight, and the pure decoding
// of raw registers into a Reading. There is no standard map (CAS, Dini Argeo, Eagle and Tuna all
// differ), so everything comes from config: address, type, word order, function, scale factor and
// an optional status register with stable / error / overload / underload / net bits.
//
// Pure functions and value types; thread-agnostic.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "drivers/scale/scale.hpp"

namespace wedge::drivers {
class Settings;
}

namespace wedge::drivers::scale {

enum class RegisterType { int16, uint16, int32, uint32, float32 };
// big = ABCD (high word first, as most indicators), little = CDAB (low word first).
enum class WordOrder { big, little };
enum class RegisterFunction { holding, input };  // FC03 / FC04

struct RegisterMap {
  int weight_address = 0;  // 0-based libmodbus address (register 40001 = 0)
  RegisterType type = RegisterType::int32;
  WordOrder word_order = WordOrder::big;
  RegisterFunction function = RegisterFunction::holding;
  double scale = 1.0;        // raw value * scale = grams
  int status_address = -1;   // -1 = no status register
  int stable_bit = -1;       // bit indices 0..15 in the status register; -1 = not used
  int error_bit = -1;
  int overload_bit = -1;
  int underload_bit = -1;
  int net_bit = -1;
  bool stable_bit_inverted = false;  // the bit means "in motion" (Tuna ID551 bit 12)

  int weight_register_count() const;  // 1 or 2
  // The device reports stability itself (a stable bit and a status register are configured).
  bool device_reports_stability() const { return status_address >= 0 && stable_bit >= 0; }
  static RegisterMap from_settings(const Settings& settings);
};

// The raw numeric value of `regs` (1 or 2 registers as read) under `type` and `order`.
double decode_registers(std::span<const std::uint16_t> regs, RegisterType type, WordOrder order);

// A Reading from weight registers and the status register (nullopt when none is configured).
// The timestamp is left to the caller. A NaN/inf float is an error reading, not a weight.
Reading decode_reading(const RegisterMap& map, std::span<const std::uint16_t> weight_regs,
                       std::optional<std::uint16_t> status);

std::optional<RegisterType> parse_register_type(std::string_view text);

}  // namespace wedge::drivers::scale
