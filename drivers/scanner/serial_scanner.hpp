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
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <memory>

#include "drivers/common/backoff.hpp"
#include "drivers/common/settings.hpp"
#include "drivers/scanner/framed_input.hpp"
#include "drivers/scanner/scanner.hpp"
#include "drivers/scanner/schema.hpp"

namespace wedge::drivers::scanner {

class SerialScanner : public Scanner {
 public:
  SerialScanner(boost::asio::any_io_executor executor, std::string id,
                const drivers::Settings& settings);
  ~SerialScanner() override;

  void start() override;
  void stop() override;

  // The device path currently open; empty when none.
  const std::string& current_path() const noexcept { return current_path_; }

 private:
  void try_open();
  std::string configure_port();
  void start_read();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void lose_device(drivers::HealthState state, std::string reason);
  void schedule_retry();

  std::string config_error_;  // declared before config_, which is parsed into it
  SerialConfig config_;
  boost::asio::serial_port port_;
  boost::asio::steady_timer retry_timer_;
  drivers::Backoff backoff_;
  FramedInput framed_;
  std::array<char, 1024> buffer_{};
  std::string current_path_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(false);
};

}  // namespace wedge::drivers::scanner
