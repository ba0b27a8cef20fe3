#include "drivers/printer/schema.hpp"

namespace wedge::drivers {
namespace {

void add_common(Schema& schema) {
  schema.push_back(key_int("io_timeout_ms",
                           "Longest time one label may take to be written to the printer", 5000,
                           100, 600000));
  schema.push_back(key_int("status_interval_ms",
                           "How often the status (~HQES, then ~HS) is checked while idle", 5000,
                           100, 3600000));
  schema.push_back(key_int("status_timeout_ms",
                           "Wait for each ~HQES / ~HS reply; no ~HQES reply on a new connection "
                           "means ask ~HS only; silence on ~HS means the printer is not ready",
                           2000, 50, 60000));
  schema.push_back(key_int("reconnect_initial_ms", "First reconnect delay (doubles, jittered)",
                           500, 10, 600000));
  schema.push_back(key_int("reconnect_max_ms", "Longest reconnect delay", 30000, 10, 3600000));
}

}  // namespace

const Schema& zpl_tcp_schema() {
  static const Schema schema = [] {
    Schema s;
    s.push_back(key_required_string("host", "Printer host name or IP address"));
    s.push_back(key_int("port", "Raw ZPL TCP port", 9100, 1, 65535));
    s.push_back(key_int("connect_timeout_ms", "Longest wait for the TCP connection", 3000, 100,
                        600000));
    add_common(s);
    return s;
  }();
  return schema;
}

const Schema& zpl_usb_schema() {
  static const Schema schema = [] {
    Schema s;
    s.push_back(key_required_string(
        "path", "Device file, e.g. /dev/usb/lp0 or a udev symlink; a glob takes the first match"));
    s.push_back(key_choice("status_mode",
                           "auto: ~HS status once the printer answers; required: no answer is a "
                           "fault; off: never ask",
                           {"auto", "required", "off"}, "auto"));
    add_common(s);
    return s;
  }();
  return schema;
}

}  // namespace wedge::drivers
