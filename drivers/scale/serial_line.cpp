#include "drivers/scale/serial_line.hpp"

#include <fmt/format.h>

#include "drivers/common/settings.hpp"

namespace wedge::drivers::scale {

SerialLine SerialLine::from_settings(const Settings& settings) {
  SerialLine line;
  line.baud = static_cast<int>(settings.get_int("baud"));
  const auto& parity = settings.get_string("parity");
  line.parity = parity == "even" ? 'E' : parity == "odd" ? 'O' : 'N';
  line.data_bits = static_cast<int>(settings.get_int("data_bits"));
  line.stop_bits = static_cast<int>(settings.get_int("stop_bits"));
  return line;
}

std::string SerialLine::describe() const { return fmt::format("{} {}{}{}", baud, data_bits, parity, stop_bits); }

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
