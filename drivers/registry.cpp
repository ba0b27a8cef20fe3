#include "drivers/registry.hpp"

// One include and one table row per driver. Keep rows grouped by kind.
// (scanner rows)
#include "drivers/scanner/schema.hpp"
// (scale rows)
#include "drivers/scale/schema.hpp"
// (printer rows)
#include "drivers/printer/schema.hpp"
// (light rows)
#include "drivers/light/schema.hpp"

namespace wedge::drivers {

const std::vector<DriverInfo>& driver_table() {
  static const std::vector<DriverInfo> table = {
      // {kind, driver, description, &schema}
      {"scanner", "serial", "Serial / USB-CDC barcode scanner (boost::asio::serial_port)",
       &scanner::serial_schema()},
      {"scanner", "tcp", "Fixed-mount barcode scanner over TCP (client or listen)",
       &scanner::tcp_schema()},
      {"scanner", "evdev", "USB HID keyboard-wedge barcode scanner (evdev, exclusive grab)",
       &scanner::evdev_schema()},
      {"scale", "modbus-tcp", "Weighing indicator over Modbus TCP (libmodbus, register map)",
       &scale::modbus_tcp_scale_schema()},
      {"scale", "modbus-rtu", "Weighing indicator over Modbus RTU / RS-485 (libmodbus)",
       &scale::modbus_rtu_scale_schema()},
      {"scale", "mt-sics", "Mettler Toledo MT-SICS balance over serial or TCP",
       &scale::mtsics_scale_schema()},
      {"scale", "mt8217", "Mettler Toledo retail scale, 8217 protocol (W request) over serial",
       &scale::mt8217_scale_schema()},
      {"printer", "zpl-tcp", "Zebra ZPL label printer on raw TCP (port 9100), ~HQES and ~HS status",
       &zpl_tcp_schema()},
      {"printer", "zpl-usb", "Zebra ZPL label printer through a device file (/dev/usb/lp*)",
       &zpl_usb_schema()},
      {"light", "modbus-tcp", "Signal light tower / buzzer on Modbus TCP coils",
       &light::modbus_tcp_light_schema()},
      {"light", "modbus-rtu", "Signal light tower / buzzer on Modbus RTU coils",
       &light::modbus_rtu_light_schema()},
  };
  return table;
}

const DriverInfo* find_driver(std::string_view kind, std::string_view driver) {
  for (const auto& info : driver_table())
    if (info.kind == kind && info.driver == driver) return &info;
  return nullptr;
}

const std::vector<std::string>& device_kinds() {
  static const std::vector<std::string> kinds = {"scanner", "scale", "printer", "light"};
  return kinds;
}

}  // namespace wedge::drivers
