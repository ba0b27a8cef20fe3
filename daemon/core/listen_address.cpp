#include "daemon/core/listen_address.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace wedge::core {

bool ListenAddress::loopback() const {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  auto fail = [](std::string message) { return core::fail(Errc::invalid_argument, std::move(message)); };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return fail("expected address:port, got '" + std::string(text) + "'");
  std::string host(text.substr(0, colon));
  const auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
      port > 65535)
    return fail("port '" + std::string(port_text) + "' out of range 1..65535");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code parse_error;
  boost::asio::ip::make_address(host, parse_error);
  if (parse_error) return fail("'" + host + "' is not an IP address (use e.g. 0.0.0.0 or 127.0.0.1)");
  return ListenAddress{host, static_cast<unsigned short>(port)};
}

}  // namespace wedge::core
