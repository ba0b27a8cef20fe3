#include "drivers/scale/register_map.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "drivers/common/settings.hpp"

namespace wedge::drivers::scale {

int RegisterMap::weight_register_count() const {
  return type == RegisterType::int16 || type == RegisterType::uint16 ? 1 : 2;
}

std::optional<RegisterType> parse_register_type(std::string_view text) {
  if (text == "int16") return RegisterType::int16;
  if (text == "uint16") return RegisterType::uint16;
  if (text == "int32") return RegisterType::int32;
  if (text == "uint32") return RegisterType::uint32;
  if (text == "float32") return RegisterType::float32;
  return std::nullopt;
}

RegisterMap RegisterMap::from_settings(const Settings& settings) {
  RegisterMap map;
  map.weight_address = static_cast<int>(settings.get_int("weight_register"));
  map.type = parse_register_type(settings.get_string("register_type")).value_or(RegisterType::int32);
  map.word_order = settings.get_string("word_order") == "little" ? WordOrder::little : WordOrder::big;
  map.function = settings.get_string("function") == "input" ? RegisterFunction::input
                                                            : RegisterFunction::holding;
  map.scale = settings.get_number("scale");
  map.status_address = static_cast<int>(settings.get_int("status_register"));
  map.stable_bit = static_cast<int>(settings.get_int("stable_bit"));
  map.error_bit = static_cast<int>(settings.get_int("error_bit"));
  map.overload_bit = static_cast<int>(settings.get_int("overload_bit"));
  map.underload_bit = static_cast<int>(settings.get_int("underload_bit"));
  map.net_bit = static_cast<int>(settings.get_int("net_bit"));
  map.stable_bit_inverted = settings.get_bool("stable_bit_inverted");
  return map;
}

double decode_registers(std::span<const std::uint16_t> regs, RegisterType type, WordOrder order) {
  if (regs.empty()) return std::nan("");
  if (type == RegisterType::int16) return static_cast<std::int16_t>(regs[0]);
  if (type == RegisterType::uint16) return regs[0];
  if (regs.size() < 2) return std::nan("");
  const std::uint32_t high = order == WordOrder::big ? regs[0] : regs[1];
  const std::uint32_t low = order == WordOrder::big ? regs[1] : regs[0];
  const std::uint32_t raw = (high << 16) | low;
  switch (type) {
    case RegisterType::int32: return static_cast<std::int32_t>(raw);
    case RegisterType::uint32: return raw;
    case RegisterType::float32: {
      float value = 0.0F;
      static_assert(sizeof value == sizeof raw);
      std::memcpy(&value, &raw, sizeof value);
      return value;
    }
    default: break;
  }
  return std::nan("");
}

namespace {
bool bit_set(std::uint16_t word, int bit) { return bit >= 0 && bit < 16 && ((word >> bit) & 1U); }
}  // namespace

Reading decode_reading(const RegisterMap& map, std::span<const std::uint16_t> weight_regs,
                       std::optional<std::uint16_t> status) {
  Reading reading;
  const double raw = decode_registers(weight_regs, map.type, map.word_order);
  if (!std::isfinite(raw)) {
    reading.status = WeightStatus::error;
    reading.reason = "weight register holds no finite number";
    return reading;
  }
  reading.grams = raw * map.scale;
  if (!status) return reading;
  const std::uint16_t word = *status;
  if (map.stable_bit >= 0) reading.stable = bit_set(word, map.stable_bit) != map.stable_bit_inverted;
  reading.net = bit_set(word, map.net_bit);
  if (bit_set(word, map.error_bit)) {
    reading.status = WeightStatus::error;
    reading.reason = fmt::format("error bit {} set in status register {} (0x{:04X})",
                                 map.error_bit, map.status_address, word);
  } else if (bit_set(word, map.overload_bit)) {
    reading.status = WeightStatus::overload;
    reading.reason = fmt::format("overload bit {} set in status register {} (0x{:04X})",
                                 map.overload_bit, map.status_address, word);
  } else if (bit_set(word, map.underload_bit)) {
    reading.status = WeightStatus::underload;
    reading.reason = fmt::format("underload bit {} set in status register {} (0x{:04X})",
                                 map.underload_bit, map.status_address, word);
  }
  if (reading.status != WeightStatus::ok) reading.stable = false;
  return reading;
}

}  // namespace wedge::drivers::scale
