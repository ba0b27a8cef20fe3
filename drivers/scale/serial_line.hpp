// Opening a scale's serial line with its framing (baud, data bits, parity, stop bits, no flow
// control), shared by the MT-SICS and 8217 drivers.
// Loop thread only (the port belongs to the caller's driver).
#pragma once

#include <boost/asio/serial_port.hpp>
#include <boost/system/error_code.hpp>
#include <string>

namespace wedge::drivers::scale {

struct SerialLine {
  int baud = 9600;
  char parity = 'N';  // 'N', 'E' or 'O'
  int data_bits = 8;
  int stop_bits = 1;
};

// Opens `path` on `port` and applies `line`; the first error, or success.
[[nodiscard]] boost::system::error_code open_serial_line(boost::asio::serial_port& port,
                                                         const std::string& path,
                                                         const SerialLine& line);

}  // namespace wedge::drivers::scale
