// libFuzzer target: what wedge makes of a Modbus indicator's register reply. libmodbus checks the
// frames (function code, byte count, CRC/MBAP) and hands over 16-bit registers; wedge decodes them
// into a weight and a status (RegisterMap, decode_reading) and, for indicators without a stable
// bit, decides stability in software (StabilityDetector). The light family reads coils only to
// see that the tower answers and decodes nothing.
//
// Input: byte 0 picks the register type and word order, byte 1 the scale factor, bytes 2..7 the
// status address and bit indices (some out of range on purpose), the rest are register words and
// reading times. Properties (abort on violation): an ok reading has a finite weight and no reason,
// a faulted one has a reason and is never stable; the detector takes any sequence of readings.
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "drivers/scale/register_map.hpp"
#include "drivers/scale/stability_detector.hpp"

namespace {

using namespace wedge::drivers::scale;

void check(bool condition) {
  if (!condition) std::abort();
}

int bit_index(std::uint8_t byte) { return static_cast<int>(byte % 20) - 2; }  // -2 .. 17

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return 0;
  constexpr RegisterType kTypes[] = {RegisterType::int16, RegisterType::uint16, RegisterType::int32,
                                     RegisterType::uint32, RegisterType::float32};
  constexpr double kScales[] = {1.0, 0.1, 10.0, 0.001, 1000.0, -1.0, 1e-9, 1e9};
  RegisterMap map;
  map.type = kTypes[data[0] % 5];
  map.word_order = (data[0] & 0x80) != 0 ? WordOrder::little : WordOrder::big;
  map.scale = kScales[data[1] % std::size(kScales)];
  map.status_address = (data[2] & 1) != 0 ? 7 : -1;
  map.stable_bit = bit_index(data[3]);
  map.error_bit = bit_index(data[4]);
  map.overload_bit = bit_index(data[5]);
  map.underload_bit = bit_index(data[6]);
  map.net_bit = bit_index(data[7]);
  map.stable_bit_inverted = (data[2] & 2) != 0;

  StabilityDetector detector(StabilityConfig{0.5 + data[1] % 8, std::chrono::milliseconds(data[2]), 1 + data[3] % 5});
  auto at = std::chrono::steady_clock::time_point{};
  const auto count = static_cast<std::size_t>(map.weight_register_count());
  const std::size_t per_reply = (count + (map.status_address >= 0 ? 1 : 0)) * 2 + 1;
  for (std::size_t pos = 8; pos + per_reply <= size; pos += per_reply) {
    std::vector<std::uint16_t> words;
    for (std::size_t i = pos; i + 1 < pos + per_reply; i += 2)
      words.push_back(static_cast<std::uint16_t>(data[i] << 8 | data[i + 1]));
    std::optional<std::uint16_t> status;
    if (map.status_address >= 0) status = words.back();
    const auto reading = decode_reading(map, std::span(words).first(count), status);
    if (reading.status == WeightStatus::ok) {
      check(std::isfinite(reading.grams) && reading.reason.empty());
    } else {
      check(!reading.reason.empty() && !reading.stable);
    }
    // Time moves on by the reply's last byte in ms; now and then it jumps back (a reset).
    const std::uint8_t step = data[pos + per_reply - 1];
    at += step == 0xff ? -std::chrono::milliseconds(50) : std::chrono::milliseconds(step);
    if (reading.status == WeightStatus::ok) (void)detector.add(at, reading.grams);
    else detector.reset();
  }
  return 0;
}
