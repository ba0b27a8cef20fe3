#include "drivers/printer/zpl_usb_printer.hpp"

#include "drivers/printer/device_file_transport.hpp"

namespace wedge::drivers {
namespace {

using std::chrono::milliseconds;

ZplSessionOptions usb_options(const Settings& s) {
  ZplSessionOptions o;
  o.io_timeout = milliseconds(s.get_int("io_timeout_ms"));
  o.status_interval = milliseconds(s.get_int("status_interval_ms"));
  o.status_timeout = milliseconds(s.get_int("status_timeout_ms"));
  o.reconnect_initial = milliseconds(s.get_int("reconnect_initial_ms"));
  o.reconnect_max = milliseconds(s.get_int("reconnect_max_ms"));
  const auto& mode = s.get_string("status_mode");
  o.status_mode = mode == "required" ? StatusMode::required
                  : mode == "off"    ? StatusMode::off
                                     : StatusMode::automatic;
  return o;
}

}  // namespace

ZplUsbPrinter::ZplUsbPrinter(boost::asio::any_io_executor loop, std::string id,
                             const Settings& settings)
    : ZplPrinter(loop, std::move(id),
                 std::make_shared<DeviceFileTransport>(loop, settings.get_string("path")),
                 usb_options(settings)) {}

}  // namespace wedge::drivers
