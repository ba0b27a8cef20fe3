#include "drivers/printer/zpl_usb_printer.hpp"

#include "drivers/printer/device_file_transport.hpp"

namespace wedge::drivers {
namespace {

StatusMode status_mode(const std::string& mode) {
  return mode == "required" ? StatusMode::required
         : mode == "off"    ? StatusMode::off
                            : StatusMode::automatic;
}

}  // namespace

ZplUsbPrinter::ZplUsbPrinter(boost::asio::any_io_executor loop, std::string id,
                             const Settings& settings)
    : ZplPrinter(loop, std::move(id),
                 std::make_shared<DeviceFileTransport>(loop, settings.get_string("path")),
                 ZplSessionOptions::from_settings(settings, status_mode(settings.get_string("status_mode")))) {}

}  // namespace wedge::drivers
