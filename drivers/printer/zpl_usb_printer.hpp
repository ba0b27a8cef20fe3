// Driver "zpl-usb": a ZPL printer behind a device file (usblp /dev/usb/lp0, a udev symlink, a
// glob). Keys: zpl_usb_schema(). Many USB printers are one-way through usblp: with status_mode
// auto the status is "unknown" (health connected, reason "status unknown: device does not answer
// ~HS") until the printer answers ~HS once, after which silence is a "not ready" fault.
// Threading: loop thread only.
#pragma once

#include "drivers/common/settings.hpp"
#include "drivers/printer/zpl_printer.hpp"

namespace wedge::drivers {

class ZplUsbPrinter final : public ZplPrinter {
 public:
  ZplUsbPrinter(boost::asio::any_io_executor loop, std::string id, const Settings& settings);
};

}  // namespace wedge::drivers
