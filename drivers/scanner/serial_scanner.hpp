// SerialScanner: a serial or USB-CDC barcode scanner read through boost::asio::serial_port.
//
// Contract: start() resolves `path` (glob allowed), opens it with the configured line settings and
// frames what arrives (FramedInput). Health: connected while the port is open; disconnected with
// "no device matches …", "cannot open …" (absent) or "read error on …" (unplugged); faulted for a
// bad configuration, a permission problem or line settings the port refuses. After any failure the
// driver closes the port and retries with back-off, re-resolving the glob each time, so unplug and
// replug (even as another /dev/ttyACMn) are followed. A scan cut by an unplug is rejected
// ("incomplete scan at disconnect").
// Loop thread only (see drivers::Device).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/serial_port.hpp>

#include <array>
#include <string>

#include "drivers/common/settings.hpp"
#include "drivers/scanner/device_node_scanner.hpp"
#include "drivers/scanner/framed_input.hpp"
#include "drivers/scanner/schema.hpp"

namespace wedge::drivers::scanner {

class SerialScanner : public DeviceNodeScanner {
 public:
  SerialScanner(boost::asio::any_io_executor executor, std::string id,
                const drivers::Settings& settings);
  ~SerialScanner() override;

 private:
  SerialScanner(boost::asio::any_io_executor executor, std::string id,
                const core::Result<SerialConfig>& parsed);

  core::Status open_device(const std::string& path) override;
  core::Status set_up_device() override;
  void start_read() override;
  void end_of_stream() override { framed_.end_of_stream(); }
  void close_device() override;
  std::string open_message() const override;
  void on_read(const boost::system::error_code& ec, std::size_t bytes);

  SerialConfig config_;
  boost::asio::serial_port port_;
  FramedInput framed_;
  std::array<char, 1024> buffer_{};
};

}  // namespace wedge::drivers::scanner
