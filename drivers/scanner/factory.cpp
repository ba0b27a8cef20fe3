#include "drivers/scanner/factory.hpp"

#include "drivers/scanner/evdev_scanner.hpp"
#include "drivers/scanner/serial_scanner.hpp"
#include "drivers/scanner/tcp_scanner.hpp"

namespace wedge::drivers::scanner {

std::unique_ptr<Scanner> make_scanner(boost::asio::any_io_executor executor, std::string id,
                                      std::string_view driver, const drivers::Settings& settings) {
  if (driver == "serial")
    return std::make_unique<SerialScanner>(std::move(executor), std::move(id), settings);
  if (driver == "tcp")
    return std::make_unique<TcpScanner>(std::move(executor), std::move(id), settings);
  if (driver == "evdev")
    return std::make_unique<EvdevScanner>(std::move(executor), std::move(id), settings);
  return nullptr;
}

}  // namespace wedge::drivers::scanner
