#include "drivers/light/schema.hpp"

namespace wedge::drivers::light {

namespace {

Schema common_keys() {
  return {
      key_int("unit_id", "Modbus unit (slave) id", 1, 0, 247),
      key_int("response_timeout_ms", "How long to wait for each Modbus reply", 500, 10, 60000),
      key_int("poll_interval_ms", "Time between two liveness reads of the coils", 2000, 50,
              600000),
      key_int("reconnect_max_ms", "Longest pause between reconnect attempts", 10000, 100, 600000),
      key_int("coil_address", "0-based address of the first coil (coil 00001 = 0)", 0, 0, 65535),
      key_int("coil_count", "Number of coils written each time (pattern indices 0..count-1)", 8,
              1, 1968),
      key_string("idle_pattern", "Pattern shown at start and after a timed pattern ends", "off"),
      key_table("patterns", "Named patterns: name -> {coils, duration_ms, blink_ms}; adds to or "
                "replaces the defaults accepted, rejected, attention, offline, off",
                light_pattern_schema()),
  };
}

Schema join(Schema a, const Schema& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

const Schema& light_pattern_schema() {
  static const Schema schema = {
      required(key_int_list("coils", "Coil indices switched on (others off)", 0, 1967)),
      key_int("duration_ms", "Return to the idle pattern after this long; 0 = stay", 0, 0,
              3600000),
      key_int("blink_ms", "Blink period half (on this long, off this long); 0 = steady", 0, 0,
              60000),
  };
  return schema;
}

const Schema& modbus_tcp_light_schema() {
  static const Schema schema =
      join({required(key_string("host", "IP address or host name of the tower")),
            key_int("port", "TCP port of the tower", 502, 1, 65535)},
           common_keys());
  return schema;
}

const Schema& modbus_rtu_light_schema() {
  static const Schema schema =
      join({required(key_path("path", "Serial device of the RS-485 line", false)),
            key_int("baud", "Serial line speed", 9600, 50, 4000000),
            key_choice("parity", "Serial parity", {"none", "even", "odd"}, "none"),
            key_int("data_bits", "Serial data bits", 8, 7, 8),
            key_int("stop_bits", "Serial stop bits", 1, 1, 2)},
           common_keys());
  return schema;
}

}  // namespace wedge::drivers::light
