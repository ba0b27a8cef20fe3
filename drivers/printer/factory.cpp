#include "drivers/printer/factory.hpp"

#include "drivers/printer/zpl_tcp_printer.hpp"
#include "drivers/printer/zpl_usb_printer.hpp"

namespace wedge::drivers {

std::unique_ptr<Printer> make_printer(boost::asio::any_io_executor loop, std::string_view driver,
                                      std::string id, const Settings& settings) {
  if (driver == "zpl-tcp") return std::make_unique<ZplTcpPrinter>(loop, std::move(id), settings);
  if (driver == "zpl-usb") return std::make_unique<ZplUsbPrinter>(loop, std::move(id), settings);
  return nullptr;
}

}  // namespace wedge::drivers
