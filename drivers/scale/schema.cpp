#include "drivers/scale/schema.hpp"

namespace wedge::drivers::scale {

namespace {

Schema tcp_keys(std::int64_t default_port) {
  return {
      required(key_string("host", "IP address or host name of the device")),
      key_int("port", "TCP port of the device", default_port, 1, 65535),
  };
}

Schema serial_keys() {
  return {
      key_int("baud", "Serial line speed", 9600, 50, 4000000),
      key_choice("parity", "Serial parity", {"none", "even", "odd"}, "none"),
      key_int("data_bits", "Serial data bits", 8, 7, 8),
      key_int("stop_bits", "Serial stop bits", 1, 1, 2),
  };
}

Schema modbus_keys() {
  return {
      key_int("unit_id", "Modbus unit (slave) id", 1, 0, 247),
      key_int("response_timeout_ms", "How long to wait for each Modbus reply", 500, 10, 60000),
      key_int("poll_interval_ms", "Time between two weight reads", 200, 10, 60000),
      key_int("reconnect_max_ms", "Longest pause between reconnect attempts", 10000, 100, 600000),
      key_int("weight_register", "0-based address of the (first) weight register (40001 = 0)", 0,
              0, 65535),
      key_choice("register_type", "How the weight is encoded",
                 {"int16", "uint16", "int32", "uint32", "float32"}, "int32"),
      key_choice("word_order", "32-bit word order: big = ABCD (high word first), little = CDAB",
                 {"big", "little"}, "big"),
      key_choice("function", "Register table: holding (FC03) or input (FC04)",
                 {"holding", "input"}, "holding"),
      key_number("scale", "Raw register value times scale = grams (0.1 for 1 decimal in g, 1000 "
                 "for kg)", 1.0, -1e9, 1e9),
      key_int("status_register", "0-based address of the status register; -1 = none", -1, -1,
              65535),
      key_int("stable_bit", "Status bit set while the weight is stable; -1 = detect in software",
              -1, -1, 15),
      key_bool("stable_bit_inverted", "The stable bit means 'in motion' instead", false),
      key_int("error_bit", "Status bit set on a scale error; -1 = not used", -1, -1, 15),
      key_int("overload_bit", "Status bit set on overload; -1 = not used", -1, -1, 15),
      key_int("underload_bit", "Status bit set on underload; -1 = not used", -1, -1, 15),
      key_int("net_bit", "Status bit set when the weight is net (tared); -1 = not used", -1, -1,
              15),
      key_int("command_register", "Holding register written to zero/tare; -1 = not supported", -1,
              -1, 65535),
      key_int("zero_value", "Value written to command_register to zero", 1, 0, 65535),
      key_int("tare_value", "Value written to command_register to tare", 2, 0, 65535),
      key_number("tolerance_grams", "Software stability: readings may differ by this much", 2.0, 0,
                 1e9),
      key_int("stable_window_ms", "Software stability: for at least this long", 500, 0, 600000),
      key_int("stable_readings", "Software stability: with at least this many readings", 3, 1,
              10000),
  };
}

Schema join(Schema a, const Schema& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

const Schema& modbus_tcp_scale_schema() {
  static const Schema schema = join(tcp_keys(502), modbus_keys());
  return schema;
}

const Schema& modbus_rtu_scale_schema() {
  static const Schema schema =
      join(join({required(key_path("path", "Serial device of the RS-485 line", false))},
                serial_keys()),
           modbus_keys());
  return schema;
}

const Schema& mtsics_scale_schema() {
  static const Schema schema = join(
      join({key_choice("transport", "serial (path) or tcp (host, port)", {"serial", "tcp"},
                       "serial"),
            key_path("path", "Serial device (transport serial)", false),
            key_string("host", "IP address or host name (transport tcp)"),
            key_int("port", "TCP port (transport tcp)", 4001, 1, 65535)},
           serial_keys()),
      Schema{
          key_choice("mode", "si = poll SI, sir = SIR stream, s = poll S (stable weights only)",
                     {"si", "sir", "s"}, "si"),
          key_int("poll_interval_ms", "Time between two SI/S requests", 200, 10, 60000),
          key_int("response_timeout_ms", "How long to wait for a reply (for S: for stability)",
                  1000, 10, 600000),
          key_int("reconnect_max_ms", "Longest pause between reconnect attempts", 10000, 100,
                  600000),
      });
  return schema;
}

const Schema& mt8217_scale_schema() {
  static const Schema schema = {
      required(key_path("path", "Serial device of the scale", false)),
      key_int("baud", "Serial line speed", 9600, 50, 115200),
      key_choice("parity", "Serial parity (the 8217 protocol: even)", {"none", "even", "odd"},
                 "even"),
      key_int("data_bits", "Serial data bits (the 8217 protocol: 7)", 7, 7, 8),
      key_int("stop_bits", "Serial stop bits", 1, 1, 2),
      key_choice("unit", "The unit the scale sends weights in", {"kg", "lb"}, "kg"),
      key_int("poll_interval_ms", "Time between two W requests", 500, 10, 60000),
      key_int("response_timeout_ms", "How long to wait for the reply to W", 1000, 10, 60000),
      key_int("reconnect_max_ms", "Longest pause between reopen attempts", 10000, 100, 600000),
  };
  return schema;
}

}  // namespace wedge::drivers::scale
