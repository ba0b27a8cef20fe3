// A scale's serial line framing (baud, data bits, parity, stop bits, no flow control) read from the
// driver's settings, and opening a port with it: shared by the MT-SICS, 8217 and Modbus RTU drivers.
// Loop thread only (the port belongs to the caller's driver).
#pragma once

#include <boost/asio/serial_port.hpp>
#include <boost/system/error_code.hpp>
#include <string>

namespace wedge::drivers {
class Settings;
}

namespace wedge::drivers::scale {

struct SerialLine {
  int baud = 9600;
  char parity = 'N';  // 'N', 'E' or 'O'
  int data_bits = 8;
  int stop_bits = 1;

  // From the keys baud, parity ("none", "even", "odd"), data_bits and stop_bits, which the schema
  // has validated.
  static SerialLine from_settings(const Settings& settings);
  // "9600 8N1", for logs and reasons.
  std::string describe() const;
};

// Opens `path` on `port` and applies `line`; the first error, or success.
[[nodiscard]] boost::system::error_code open_serial_line(boost::asio::serial_port& port,
                                                         const std::string& path,
                                                         const SerialLine& line);

}  // namespace wedge::drivers::scale
