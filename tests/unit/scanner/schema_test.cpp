// Scanner schemas, registry rows and config parsing.
#include "drivers/scanner/schema.hpp"

#include <gtest/gtest.h>

#include "drivers/registry.hpp"

namespace wedge::drivers::scanner {
namespace {

bool has_key(const Schema& schema, std::string_view name) {
  for (const auto& spec : schema)
    if (spec.name == name) return true;
  return false;
}

TEST(ScannerSchema, RegistryHasTheThreeDrivers) {
  for (const char* driver : {"serial", "tcp", "evdev"}) {
    const auto* info = drivers::find_driver("scanner", driver);
    ASSERT_NE(info, nullptr) << driver;
    EXPECT_FALSE(info->description.empty());
    EXPECT_FALSE(info->schema->empty());
  }
  EXPECT_EQ(drivers::find_driver("scanner", "hidraw"), nullptr);
}

TEST(ScannerSchema, DeclaresEveryKey) {
  for (const char* key : {"path", "baud", "parity", "data_bits", "stop_bits", "flow_control",
                          "terminator", "max_length", "inter_char_timeout_ms", "aim_ids",
                          "gs_substitute", "reconnect_initial_ms", "reconnect_max_ms"})
    EXPECT_TRUE(has_key(serial_schema(), key)) << key;
  for (const char* key : {"mode", "host", "port", "bind_address", "terminator", "keepalive_s",
                          "idle_timeout_ms", "connect_timeout_ms", "max_length"})
    EXPECT_TRUE(has_key(tcp_schema(), key)) << key;
  for (const char* key : {"path", "grab", "layout", "gs_byte", "end_on_tab", "max_length",
                          "inter_char_timeout_ms"})
    EXPECT_TRUE(has_key(evdev_schema(), key)) << key;
  for (const auto* schema : {&serial_schema(), &tcp_schema(), &evdev_schema()})
    for (const auto& spec : *schema) EXPECT_FALSE(spec.description.empty()) << spec.name;
}

TEST(ScannerSchema, DefaultsFillMissingKeys) {
  Settings settings;
  settings.set("path", std::string("/dev/ttyACM0"));
  const auto parsed = parse_serial_config(settings);
  ASSERT_TRUE(parsed) << parsed.reason();
  const auto& config = *parsed;
  EXPECT_EQ(config.baud, 9600u);
  EXPECT_EQ(config.parity, "none");
  EXPECT_EQ(config.terminator.kind, Terminator::Kind::any);
  EXPECT_EQ(config.common.max_length, 4096u);
  EXPECT_EQ(config.common.inter_char_timeout.count(), 200);
  EXPECT_TRUE(config.common.scan.aim_ids);
}

TEST(ScannerSchema, BadValuesAreReported) {
  Settings serial;
  serial.set("path", std::string("/dev/ttyACM0"));
  serial.set("terminator", std::string("semicolon"));
  EXPECT_EQ(parse_serial_config(serial).reason(),
            "bad terminator 'semicolon': expected cr, lf, crlf, any, none or byte:0xNN");

  serial.set("terminator", std::string("none"));
  serial.set("inter_char_timeout_ms", std::int64_t{0});
  EXPECT_EQ(parse_serial_config(serial).reason(),
            "terminator none needs inter_char_timeout_ms > 0");

  Settings tcp;
  tcp.set("port", std::int64_t{2000});
  EXPECT_EQ(parse_tcp_config(tcp).reason(), "mode client needs host");
  tcp.set("mode", std::string("listen"));
  EXPECT_EQ(parse_tcp_config(tcp).reason(), "");
  tcp.set("gs_substitute", std::string("^^"));
  EXPECT_EQ(parse_tcp_config(tcp).reason(),
            "gs_substitute must be one printable ASCII character, got '^^'");

  Settings evdev;
  EXPECT_EQ(parse_evdev_config(evdev).reason(), "bad configuration: missing key path");
  evdev.set("path", std::string("/dev/input/by-id/x"));
  evdev.set("max_length", std::int64_t{0});
  EXPECT_EQ(parse_evdev_config(evdev).reason(),
            "bad configuration: max_length = 0 is out of range [1, 1048576]");
}

}  // namespace
}  // namespace wedge::drivers::scanner
