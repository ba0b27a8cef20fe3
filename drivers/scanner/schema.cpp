#include "drivers/scanner/schema.hpp"

#include <exception>

#include <fmt/format.h>

#include "drivers/scanner/key_layout.hpp"

namespace wedge::drivers::scanner {

namespace {

constexpr const char* kTerminatorHelp =
    "End of a scan: cr, lf, crlf, any (CR, LF or CRLF), none (inter-character timeout only) or "
    "byte:0xNN";

void add_common(Schema& schema, std::int64_t inter_char_timeout_ms) {
  schema.push_back(key_int("max_length", "Longest accepted scan in bytes; longer ones are rejected",
                           4096, 1, 1048576));
  schema.push_back(key_int("inter_char_timeout_ms",
                           "Silence that ends a partial scan (0 = never); with a terminator the "
                           "partial scan is rejected, with terminator none it is the scan",
                           inter_char_timeout_ms, 0, 60000));
  schema.push_back(key_bool("aim_ids", "Recognise and strip AIM identifiers (]C1, ]d2, …)", true));
  schema.push_back(key_string("gs_substitute",
                              "One character the scanner sends in place of GS (e.g. ^); mapped "
                              "back to GS (0x1D). Empty = none",
                              ""));
  schema.push_back(key_int("reconnect_initial_ms", "First reconnect delay (doubles per failure)",
                           500, 10, 60000));
  schema.push_back(key_int("reconnect_max_ms", "Longest reconnect delay", 10000, 100, 600000));
}

Schema make_serial_schema() {
  Schema schema = {
      key_required_string("path", "Serial device path; a glob is allowed "
                                  "(/dev/serial/by-id/usb-Honeywell*); the first match is used"),
      key_int("baud", "Line speed in baud", 9600, 50, 4000000),
      key_choice("parity", "Parity", {"none", "even", "odd"}, "none"),
      key_int("data_bits", "Data bits", 8, 5, 8),
      key_choice("stop_bits", "Stop bits", {"1", "1.5", "2"}, "1"),
      key_choice("flow_control", "Flow control", {"none", "software", "hardware"}, "none"),
      key_string("terminator", kTerminatorHelp, "any"),
  };
  add_common(schema, 200);
  return schema;
}

Schema make_tcp_schema() {
  Schema schema = {
      key_choice("mode", "client: connect to the scanner; listen: scanners connect in",
                 {"client", "listen"}, "client"),
      key_string("host", "Scanner host name or address (mode client)", ""),
      required(key_int("port", "Scanner port (client) or listening port (listen)", {}, 1, 65535)),
      key_string("bind_address", "Address to listen on (mode listen)", "0.0.0.0"),
      key_string("terminator", kTerminatorHelp, "any"),
      key_int("keepalive_s", "TCP keepalive idle time in seconds (0 = off)", 10, 0, 7200),
      key_int("idle_timeout_ms",
              "Drop and re-establish a connection that sent nothing for this long (0 = off); for "
              "readers that send a heartbeat or no-read string",
              0, 0, 86400000),
      key_int("connect_timeout_ms", "Give up a connection attempt after this long (mode client)",
              5000, 100, 600000),
  };
  add_common(schema, 500);
  return schema;
}

Schema make_evdev_schema() {
  Schema schema = {
      key_required_string("path", "Input device; a glob is allowed "
                                  "(/dev/input/by-id/usb-*-event-kbd); the first match is used"),
      key_bool("grab", "Take the device exclusively (EVIOCGRAB) so scans never reach the desktop; "
                       "false only for tests feeding a pipe",
               true),
      key_choice("layout",
                 "Keyboard layout the scanner emulates (its country keyboard setting); data from "
                 "xkb-data in drivers/scanner/layouts/. Keys that look typed on another layout are "
                 "rejected as a layout mismatch",
                 layout_names(), "us"),
      key_int("gs_byte", "Byte produced by Ctrl+] and by Alt+029 (GS = 29)", 29, 1, 127),
      key_bool("end_on_tab", "Tab also ends a scan (besides Enter and keypad Enter)", false),
  };
  add_common(schema, 200);
  return schema;
}

const KeySpec* find_spec(const Schema& schema, std::string_view key) {
  for (const auto& spec : schema)
    if (spec.name == key) return &spec;
  return nullptr;
}

// Reads `key`, falling back to the schema default.
template <typename T>
T get(const Settings& settings, const Schema& schema, std::string_view key) {
  if (settings.has(key)) {
    if constexpr (std::is_same_v<T, std::int64_t>) return settings.get_int(key);
    else if constexpr (std::is_same_v<T, bool>) return settings.get_bool(key);
    else return settings.get_string(key);
  }
  const auto* spec = find_spec(schema, key);
  if (!spec || !spec->default_value) throw std::invalid_argument(fmt::format("missing key {}", key));
  return std::get<T>(*spec->default_value);
}

std::int64_t get_int(const Settings& s, const Schema& schema, std::string_view key) {
  const auto value = get<std::int64_t>(s, schema, key);
  const auto* spec = find_spec(schema, key);
  if (spec && (static_cast<double>(value) < spec->min || static_cast<double>(value) > spec->max))
    throw std::invalid_argument(
        fmt::format("{} = {} is out of range [{}, {}]", key, value, spec->min, spec->max));
  return value;
}

std::string parse_common(const Settings& s, const Schema& schema, CommonConfig& out) {
  out.max_length = static_cast<std::size_t>(get_int(s, schema, "max_length"));
  out.inter_char_timeout = std::chrono::milliseconds(get_int(s, schema, "inter_char_timeout_ms"));
  out.scan.aim_ids = get<bool>(s, schema, "aim_ids");
  const auto gs = get<std::string>(s, schema, "gs_substitute");
  if (gs.size() > 1 || (gs.size() == 1 && (gs[0] < 0x21 || gs[0] > 0x7E)))
    return fmt::format("gs_substitute must be one printable ASCII character, got '{}'", gs);
  if (gs.size() == 1) out.scan.gs_substitute = gs[0];
  out.reconnect_initial = std::chrono::milliseconds(get_int(s, schema, "reconnect_initial_ms"));
  out.reconnect_max = std::chrono::milliseconds(get_int(s, schema, "reconnect_max_ms"));
  return {};
}

std::string parse_terminator_key(const Settings& s, const Schema& schema, Terminator& out,
                                 const CommonConfig& common) {
  const auto text = get<std::string>(s, schema, "terminator");
  const auto terminator = parse_terminator(text);
  if (!terminator)
    return fmt::format("bad terminator '{}': expected cr, lf, crlf, any, none or byte:0xNN", text);
  if (terminator->kind == Terminator::Kind::none && common.inter_char_timeout.count() == 0)
    return "terminator none needs inter_char_timeout_ms > 0";
  out = *terminator;
  return {};
}

// Fills a Config with `fill`, which returns "" or why the settings are unusable; a settings value
// of the wrong type or out of range (get() throws) is unusable too.
template <typename Config, typename Fn>
core::Result<Config> parsed(Fn&& fill) {
  Config config;
  std::string error;
  try {
    error = fill(config);
  } catch (const std::exception& e) {
    error = fmt::format("bad configuration: {}", e.what());
  }
  if (!error.empty()) return core::fail(core::Errc::invalid_argument, std::move(error));
  return config;
}

}  // namespace

const Schema& serial_schema() {
  static const Schema schema = make_serial_schema();
  return schema;
}
const Schema& tcp_schema() {
  static const Schema schema = make_tcp_schema();
  return schema;
}
const Schema& evdev_schema() {
  static const Schema schema = make_evdev_schema();
  return schema;
}

core::Result<SerialConfig> parse_serial_config(const Settings& s) {
  return parsed<SerialConfig>([&](SerialConfig& out) -> std::string {
    const auto& schema = serial_schema();
    if (auto error = parse_common(s, schema, out.common); !error.empty()) return error;
    out.path = get<std::string>(s, schema, "path");
    if (out.path.empty()) return "path is empty";
    out.baud = static_cast<unsigned>(get_int(s, schema, "baud"));
    out.parity = get<std::string>(s, schema, "parity");
    out.data_bits = static_cast<unsigned>(get_int(s, schema, "data_bits"));
    out.stop_bits = get<std::string>(s, schema, "stop_bits");
    out.flow_control = get<std::string>(s, schema, "flow_control");
    return parse_terminator_key(s, schema, out.terminator, out.common);
  });
}

core::Result<TcpConfig> parse_tcp_config(const Settings& s) {
  return parsed<TcpConfig>([&](TcpConfig& out) -> std::string {
    const auto& schema = tcp_schema();
    if (auto error = parse_common(s, schema, out.common); !error.empty()) return error;
    const auto mode = get<std::string>(s, schema, "mode");
    if (mode != "client" && mode != "listen")
      return fmt::format("bad mode '{}': expected client or listen", mode);
    out.listen = mode == "listen";
    out.host = get<std::string>(s, schema, "host");
    if (!out.listen && out.host.empty()) return "mode client needs host";
    out.port = static_cast<std::uint16_t>(get_int(s, schema, "port"));
    out.bind_address = get<std::string>(s, schema, "bind_address");
    out.keepalive_s = static_cast<int>(get_int(s, schema, "keepalive_s"));
    out.idle_timeout = std::chrono::milliseconds(get_int(s, schema, "idle_timeout_ms"));
    out.connect_timeout = std::chrono::milliseconds(get_int(s, schema, "connect_timeout_ms"));
    return parse_terminator_key(s, schema, out.terminator, out.common);
  });
}

core::Result<EvdevConfig> parse_evdev_config(const Settings& s) {
  return parsed<EvdevConfig>([&](EvdevConfig& out) -> std::string {
    const auto& schema = evdev_schema();
    if (auto error = parse_common(s, schema, out.common); !error.empty()) return error;
    out.path = get<std::string>(s, schema, "path");
    if (out.path.empty()) return "path is empty";
    out.grab = get<bool>(s, schema, "grab");
    out.layout = get<std::string>(s, schema, "layout");
    if (!find_layout(out.layout)) return fmt::format("unknown layout '{}'", out.layout);
    out.gs_byte = static_cast<char>(get_int(s, schema, "gs_byte"));
    out.end_on_tab = get<bool>(s, schema, "end_on_tab");
    return {};
  });
}

}  // namespace wedge::drivers::scanner
