// Table of bad configurations and the exact error lines each must produce (redis config.c style:
// FILE:LINE:COL: key.path: message). A good config must produce none.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "tests/support/process.hpp"

namespace {

using wedge::config::parse_config;

std::vector<std::string> errors_of(const std::string& yaml, const std::string& base_dir = "/tmp") {
  auto result = parse_config(yaml, "w.yaml", base_dir);
  std::vector<std::string> lines;
  for (const auto& e : result.errors) lines.push_back(e.to_string());
  EXPECT_EQ(result.config.has_value(), lines.empty());
  return lines;
}

struct BadConfig {
  const char* name;
  const char* yaml;
  std::vector<std::string> expected;
};

const char* const kMinimal = "site: dc1\ngateway: gw1\n";

TEST(ConfigValidation, MinimalConfigIsValidAndFilledWithDefaults) {
  auto result = parse_config(kMinimal, "w.yaml", "/tmp");
  ASSERT_TRUE(result.config) << (result.errors.empty() ? "" : result.errors[0].to_string());
  const auto& c = *result.config;
  EXPECT_EQ(c.site, "dc1");
  EXPECT_EQ(c.gateway, "gw1");
  EXPECT_EQ(c.state_dir, "/var/lib/wedge");
  EXPECT_EQ(c.section("broker").get_string("uri"), "mqtt://127.0.0.1:1883");
  EXPECT_EQ(c.section("broker").get_int("keepalive_s"), 30);
  EXPECT_EQ(c.section("broker").get_string("mqtt_version"), "5");
  EXPECT_EQ(c.section("outbox").get_int("max_events"), 1000000);
  EXPECT_EQ(c.section("http").get_string("listen"), "127.0.0.1:8080");
  EXPECT_EQ(c.section("log").get_string("level"), "info");
  EXPECT_FALSE(c.section("broker").has("ca_file"));
  EXPECT_TRUE(c.devices.empty());
  EXPECT_TRUE(c.stations.empty());
}

// How long ended orders stay (an unannounced return finds its order only that long): a day unless
// set, at most a year.
TEST(ConfigValidation, EndedOrdersAreKeptADayUnlessSaidOtherwise) {
  auto result = parse_config(kMinimal, "w.yaml", "/tmp");
  ASSERT_TRUE(result.config);
  EXPECT_EQ(result.config->section("orders").get_int("keep_ended_hours"), 24);
  result = parse_config(std::string(kMinimal) + "orders:\n  keep_ended_hours: 336\n", "w.yaml", "/tmp");
  ASSERT_TRUE(result.config);
  EXPECT_EQ(result.config->section("orders").get_int("keep_ended_hours"), 336);
  EXPECT_EQ(errors_of(std::string(kMinimal) + "orders:\n  keep_ended_hours: 0\n").size(), 1u);
  EXPECT_EQ(errors_of(std::string(kMinimal) + "orders:\n  keep_ended_hours: 8761\n").size(), 1u);
}

TEST(ConfigValidation, RelativePathsResolveAgainstTheConfigDirectory) {
  wedge::test::TempDir dir;
  wedge::test::write_file(dir.file("ca.pem"), "x");
  auto result = parse_config(std::string(kMinimal) +
                                 "state_dir: state\nbroker:\n  uri: mqtts://h:8883\n  ca_file: ca.pem\n",
                             "w.yaml", dir.path());
  ASSERT_TRUE(result.config);
  EXPECT_EQ(result.config->state_dir, dir.path() + "/state");
  EXPECT_EQ(result.config->section("broker").get_string("ca_file"), dir.path() + "/ca.pem");
}

TEST(ConfigValidation, EmptyValueMeansDefault) {
  auto lines = errors_of(std::string(kMinimal) + "broker:\n  keepalive_s:\n");
  EXPECT_TRUE(lines.empty());
}

class BadConfigs : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigs, ReportsExactlyTheExpectedErrors) {
  EXPECT_EQ(errors_of(GetParam().yaml), GetParam().expected);
}

const BadConfig kBadConfigs[] = {
    {"not_a_map", "- a\n- b\n", {"w.yaml:1:1: (top): expected a map of settings, got a list"}},
    {"yaml_syntax", "site: [dc1\n", {"w.yaml:2:1: (yaml): end of sequence flow not found"}},
    {"missing_site_and_gateway", "log:\n  level: info\n",
     {"w.yaml:1:1: site: missing required key 'site'",
      "w.yaml:1:1: gateway: missing required key 'gateway'"}},
    {"unknown_top_key", "site: dc1\ngateway: gw1\nbrokr:\n  uri: mqtt://h:1\n",
     {"w.yaml:3:1: brokr: unknown key (did you mean 'broker'?)"}},
    {"unknown_key_no_hint", "site: dc1\ngateway: gw1\nfrobnicate: 1\n",
     {"w.yaml:3:1: frobnicate: unknown key"}},
    {"duplicate_key", "site: dc1\ngateway: gw1\nsite: dc2\n", {"w.yaml:3:1: site: duplicate key"}},
    {"bad_site_id", "site: dc/1\ngateway: gw1\n",
     {"w.yaml:1:7: site: expected an id of 1 to 64 letters, digits, '_', '-' or '.', got 'dc/1'"}},
    {"gateway_is_map", "site: dc1\ngateway:\n  a: 1\n",
     {"w.yaml:3:3: gateway: expected a string, got a map"}},
    {"log_level_choice", "site: dc1\ngateway: gw1\nlog:\n  level: loud\n",
     {"w.yaml:4:10: log.level: expected one of trace, debug, info, warn, error, got 'loud'"}},
    {"section_not_map", "site: dc1\ngateway: gw1\nbroker: mqtt://h:1883\n",
     {"w.yaml:3:9: broker: expected a map, got 'mqtt://h:1883'"}},
    {"broker_port_out_of_range", "site: dc1\ngateway: gw1\nbroker:\n  uri: mqtt://10.0.0.1:70000\n",
     {"w.yaml:4:8: broker.uri: port '70000' out of range 1..65535"}},
    {"broker_bad_scheme", "site: dc1\ngateway: gw1\nbroker:\n  uri: http://h:80\n",
     {"w.yaml:4:8: broker.uri: expected mqtt://host:port or mqtts://host:port, got 'http://h:80'"}},
    {"broker_missing_host", "site: dc1\ngateway: gw1\nbroker:\n  uri: mqtt://:1883\n",
     {"w.yaml:4:8: broker.uri: missing host in 'mqtt://:1883'"}},
    {"broker_uri_and_uris", "site: dc1\ngateway: gw1\nbroker:\n  uri: mqtt://a:1883\n  uris: [mqtt://b:1883]\n",
     {"w.yaml:5:9: broker.uris: give broker.uri or broker.uris, not both"}},
    {"broker_uris_each_entry", "site: dc1\ngateway: gw1\nbroker:\n  uris: [mqtt://a:1883, 'mqtt://b:0', http://c]\n",
     {"w.yaml:4:25: broker.uris[1]: port '0' out of range 1..65535",
      "w.yaml:4:39: broker.uris[2]: expected mqtt://host:port or mqtts://host:port, got 'http://c'"}},
    {"broker_uris_mixed_schemes", "site: dc1\ngateway: gw1\nbroker:\n  uris: [mqtt://a:1883, mqtts://b:8883]\n",
     {"w.yaml:4:25: broker.uris[1]: all nodes need the same scheme (mqtt:// or mqtts://)"}},
    {"broker_uris_empty", "site: dc1\ngateway: gw1\nbroker:\n  uris: []\n",
     {"w.yaml:4:9: broker.uris: lists no broker"}},
    {"negative_timeout", "site: dc1\ngateway: gw1\nbroker:\n  connect_timeout_s: -3\n",
     {"w.yaml:4:22: broker.connect_timeout_s: value -3 out of range 1..300"}},
    {"wrong_type_int", "site: dc1\ngateway: gw1\nbroker:\n  keepalive_s: often\n",
     {"w.yaml:4:16: broker.keepalive_s: expected an integer, got 'often'"}},
    {"float_for_int", "site: dc1\ngateway: gw1\noutbox:\n  max_events: 1.5e6\n",
     {"w.yaml:4:15: outbox.max_events: expected an integer, got '1.5e6'"}},
    {"list_for_int", "site: dc1\ngateway: gw1\noutbox:\n  max_bytes_mb: [1]\n",
     {"w.yaml:4:17: outbox.max_bytes_mb: expected an integer, got a list"}},
    {"mqtt_version", "site: dc1\ngateway: gw1\nbroker:\n  mqtt_version: 4\n",
     {"w.yaml:4:17: broker.mqtt_version: expected one of 5, 3.1.1, got '4'"}},
    {"unreadable_ca", "site: dc1\ngateway: gw1\nbroker:\n  uri: mqtts://h:8883\n  ca_file: /nonexistent/ca.pem\n",
     {"w.yaml:5:12: broker.ca_file: cannot read file '/nonexistent/ca.pem': No such file or directory"}},
    {"unreadable_credentials", "site: dc1\ngateway: gw1\nbroker:\n  credentials_file: missing.txt\n",
     {"w.yaml:4:21: broker.credentials_file: cannot read file '/tmp/missing.txt': No such file or directory"}},
    {"reconnect_min_above_max", "site: dc1\ngateway: gw1\nbroker:\n  reconnect_min_ms: 9000\n  reconnect_max_ms: 1000\n",
     {"w.yaml:4:21: broker.reconnect_min_ms: must not exceed broker.reconnect_max_ms"}},
    {"http_port_range", "site: dc1\ngateway: gw1\nhttp:\n  listen: 127.0.0.1:0\n",
     {"w.yaml:4:11: http.listen: port '0' out of range 1..65535"}},
    {"http_no_port", "site: dc1\ngateway: gw1\nhttp:\n  listen: localhost\n",
     {"w.yaml:4:11: http.listen: expected address:port, got 'localhost'"}},
    {"http_public_without_token", "site: dc1\ngateway: gw1\nhttp:\n  listen: 0.0.0.0:8080\n",
     {"w.yaml:4:11: http.listen: listening on a non-loopback address requires http.access_token_file"}},
    {"http_allowed_host_with_port", "site: dc1\ngateway: gw1\nhttp:\n  allowed_hosts: [gw.lan, 'gw.lan:8080', 'a b']\n",
     {"w.yaml:4:27: http.allowed_hosts[1]: 'gw.lan:8080' has a port: list the name alone (any port is accepted)",
      "w.yaml:4:42: http.allowed_hosts[2]: expected a host name or an IP address, got 'a b'"}},
    {"http_allowed_hosts_not_list", "site: dc1\ngateway: gw1\nhttp:\n  allowed_hosts: gw.lan\n",
     {"w.yaml:4:18: http.allowed_hosts: expected a list, got 'gw.lan'"}},
    {"devices_not_list", "site: dc1\ngateway: gw1\ndevices:\n  a: 1\n",
     {"w.yaml:4:3: devices: expected a list of devices, got a map"}},
    {"device_missing_kind", "site: dc1\ngateway: gw1\ndevices:\n  - id: d1\n    driver: x\n",
     {"w.yaml:4:5: devices[0].kind: missing required key 'kind'"}},
    {"device_bad_kind", "site: dc1\ngateway: gw1\ndevices:\n  - id: d1\n    kind: toaster\n    driver: x\n",
     {"w.yaml:5:11: devices[0].kind: expected one of scanner, scale, printer, light, got 'toaster'"}},
    {"device_bad_id", "site: dc1\ngateway: gw1\ndevices:\n  - id: 'a b'\n    kind: toaster\n",
     {"w.yaml:4:9: devices[0].id: expected an id of 1 to 64 letters, digits, '_', '-' or '.', got 'a b'",
      "w.yaml:5:11: devices[0].kind: expected one of scanner, scale, printer, light, got 'toaster'"}},
    {"stations_not_list", "site: dc1\ngateway: gw1\nstations: pick\n",
     {"w.yaml:3:11: stations: expected a list of stations, got 'pick'"}},
    {"station_missing_steps", "site: dc1\ngateway: gw1\nstations:\n  - id: s1\n",
     {"w.yaml:4:5: stations[0].steps: missing required key 'steps'"}},
    {"station_bad_step", "site: dc1\ngateway: gw1\nstations:\n  - id: s1\n    steps: [pick, wrap]\n",
     {"w.yaml:5:19: stations[0].steps[1]: expected one of pick, pack, ship, returns, got 'wrap'"}},
    {"station_step_twice", "site: dc1\ngateway: gw1\nstations:\n  - id: s1\n    steps: [ship, ship]\n",
     {"w.yaml:5:19: stations[0].steps[1]: step 'ship' listed twice"}},
    {"station_duplicate_id", "site: dc1\ngateway: gw1\nstations:\n  - id: s1\n    steps: [pick]\n  - id: s1\n    steps: [ship]\n",
     {"w.yaml:6:9: stations[1].id: duplicate station id 's1' (first used at stations[0])"}},
    {"station_unknown_device", "site: dc1\ngateway: gw1\nstations:\n  - id: s1\n    steps: [pick]\n    scanner: ghost\n",
     {"w.yaml:6:14: stations[0].scanner: no device with id 'ghost'"}},
    {"station_pack_without_devices", "site: dc1\ngateway: gw1\nstations:\n  - id: s1\n    steps: [pack]\n",
     {"w.yaml:4:5: stations[0].scale: step 'pack' needs a scale",
      "w.yaml:4:5: stations[0].printer: step 'pack' needs a printer"}},
    {"station_unknown_key", "site: dc1\ngateway: gw1\nstations:\n  - id: s1\n    steps: [pick]\n    scaner: x\n",
     {"w.yaml:6:5: stations[0].scaner: unknown key (did you mean 'scanner'?)"}},
    {"station_time_limit_negative", "site: dc1\ngateway: gw1\nstations:\n  - id: s1\n    steps: [pick]\n    time_limits:\n      pick_s: -1\n",
     {"w.yaml:7:15: stations[0].time_limits.pick_s: value -1 out of range 1..604800"}},
    {"device_port_out_of_range",
     "site: dc1\ngateway: gw1\ndevices:\n  - id: sc1\n    kind: scanner\n    driver: tcp\n    host: 127.0.0.1\n    port: 70000\n",
     {"w.yaml:8:11: devices[0].port: value 70000 out of range 1..65535"}},
    {"device_missing_driver_key",
     "site: dc1\ngateway: gw1\ndevices:\n  - id: sc1\n    kind: scanner\n    driver: tcp\n    host: 127.0.0.1\n",
     {"w.yaml:4:5: devices[0].port: missing required key 'port'"}},
    {"device_negative_timeout",
     "site: dc1\ngateway: gw1\ndevices:\n  - id: sc1\n    kind: scanner\n    driver: serial\n    path: /dev/ttyACM0\n    inter_char_timeout_ms: -5\n",
     {"w.yaml:8:28: devices[0].inter_char_timeout_ms: value -5 out of range 0..60000"}},
    {"device_unknown_key_with_hint",
     "site: dc1\ngateway: gw1\ndevices:\n  - id: sc1\n    kind: scanner\n    driver: serial\n    path: /dev/ttyACM0\n    baud_: 9600\n",
     {"w.yaml:8:5: devices[0].baud_: unknown key (did you mean 'baud'?)"}},
    {"device_unknown_driver",
     "site: dc1\ngateway: gw1\ndevices:\n  - id: sc1\n    kind: scanner\n    driver: usb-hid\n",
     {"w.yaml:6:13: devices[0].driver: unknown scanner driver 'usb-hid' (available: serial, tcp, evdev)"}},
    {"device_duplicate_id",
     "site: dc1\ngateway: gw1\ndevices:\n  - id: p1\n    kind: printer\n    driver: zpl-tcp\n    host: h\n  - id: p1\n    kind: printer\n    driver: zpl-tcp\n    host: h\n",
     {"w.yaml:8:9: devices[1].id: duplicate device id 'p1' (first used at devices[0])"}},
    {"device_choice_value",
     "site: dc1\ngateway: gw1\ndevices:\n  - id: s1\n    kind: scanner\n    driver: serial\n    path: /dev/ttyS0\n    parity: mark\n",
     {"w.yaml:8:13: devices[0].parity: expected one of none, even, odd, got 'mark'"}},
    {"scanner_shared_by_two_stations",
     "site: dc1\ngateway: gw1\ndevices:\n  - id: sc\n    kind: scanner\n    driver: serial\n    path: /dev/ttyS0\n"
     "stations:\n  - id: a\n    steps: [pick]\n    scanner: sc\n  - id: b\n    steps: [ship]\n    scanner: sc\n",
     {"w.yaml:14:14: stations[1].scanner: device 'sc' is already the scanner of station 'a'; a scanner serves one station only"}},
    {"device_in_wrong_role",
     "site: dc1\ngateway: gw1\ndevices:\n  - id: p1\n    kind: printer\n    driver: zpl-tcp\n    host: h\n"
     "stations:\n  - id: a\n    steps: [pick]\n    light: p1\n",
     {"w.yaml:11:12: stations[0].light: device 'p1' is a printer, not a light"}},
    {"unreadable_template_dir",
     "site: dc1\ngateway: gw1\nprinting:\n  template_dir: /nonexistent/templates\n",
     {"w.yaml:4:17: printing.template_dir: cannot read file '/nonexistent/templates': No such file or directory"}},
    {"errors_in_file_order", "site: dc1\ngateway: gw1\nstations:\n  - id: s1\n    steps: [fly]\nbroker:\n  keepalive_s: 1\n",
     {"w.yaml:5:13: stations[0].steps[0]: expected one of pick, pack, ship, returns, got 'fly'",
      "w.yaml:7:16: broker.keepalive_s: value 1 out of range 5..3600"}},
};

INSTANTIATE_TEST_SUITE_P(Table, BadConfigs, ::testing::ValuesIn(kBadConfigs),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ConfigValidation, PrinterMayServeSeveralStations) {
  auto lines = errors_of(
      "site: dc1\ngateway: gw1\ndevices:\n  - id: p1\n    kind: printer\n    driver: zpl-tcp\n    host: h\n"
      "  - id: sc\n    kind: scale\n    driver: mt-sics\n    path: /dev/ttyS0\n"
      "  - id: sc2\n    kind: scale\n    driver: mt-sics\n    path: /dev/ttyS1\n"
      "stations:\n  - id: a\n    steps: [pack]\n    scale: sc\n    printer: p1\n"
      "  - id: b\n    steps: [pack, ship]\n    scale: sc2\n    printer: p1\n");
  EXPECT_TRUE(lines.empty()) << (lines.empty() ? "" : lines[0]);
}

TEST(ConfigValidation, DeviceSettingsCarryDefaults) {
  auto result = parse_config(
      "site: dc1\ngateway: gw1\ndevices:\n  - id: s\n    kind: scanner\n    driver: serial\n    path: /dev/ttyS0\n",
      "w.yaml", "/tmp");
  ASSERT_TRUE(result.config);
  const auto* device = result.config->find_device("s");
  ASSERT_NE(device, nullptr);
  EXPECT_EQ(device->settings.get_int("baud"), 9600);
  EXPECT_EQ(device->settings.get_string("parity"), "none");
  EXPECT_EQ(device->settings.get_string("path"), "/dev/ttyS0");
}

TEST(ConfigValidation, MissingFileIsAnError) {
  auto result = wedge::config::load_config("/nonexistent/wedge.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "/nonexistent/wedge.yaml: (file): cannot read: No such file or directory");
}

}  // namespace
