#include "drivers/scale/serial_line.hpp"

namespace wedge::drivers::scale {

boost::system::error_code open_serial_line(boost::asio::serial_port& port, const std::string& path,
                                           const SerialLine& line) {
  using sp = boost::asio::serial_port_base;
  boost::system::error_code ec;
  port.open(path, ec);
  if (!ec) port.set_option(sp::baud_rate(static_cast<unsigned>(line.baud)), ec);
  if (!ec) port.set_option(sp::character_size(static_cast<unsigned>(line.data_bits)), ec);
  if (!ec)
    port.set_option(sp::parity(line.parity == 'E'   ? sp::parity::even
                               : line.parity == 'O' ? sp::parity::odd
                                                    : sp::parity::none),
                    ec);
  if (!ec)
    port.set_option(sp::stop_bits(line.stop_bits == 2 ? sp::stop_bits::two : sp::stop_bits::one),
                    ec);
  if (!ec) port.set_option(sp::flow_control(sp::flow_control::none), ec);
  return ec;
}

}  // namespace wedge::drivers::scale
