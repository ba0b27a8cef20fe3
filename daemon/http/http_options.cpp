#include "daemon/http/http_options.hpp"

#include "daemon/http/host_check.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <fstream>
#include <sstream>

namespace wedge::http {

namespace {

constexpr std::size_t kMinTokenLength = 16;

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

bool ListenAddress::loopback() const {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<ListenAddress> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return fail("expected address:port, got '" + std::string(text) + "'");
  std::string host(text.substr(0, colon));
  const auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty())
    return fail("port '" + std::string(port_text) + "' out of range 0..65535");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code parse_error;
  boost::asio::ip::make_address(host, parse_error);
  if (parse_error) return fail("'" + host + "' is not an IP address (use e.g. 0.0.0.0 or 127.0.0.1)");
  return ListenAddress{host, static_cast<unsigned short>(port)};
}

OptionsResult make_options(std::string_view listen, const std::string& token_file,
                           const std::vector<std::string>& allowed_hosts) {
  OptionsResult result;
  std::string error;
  auto address = parse_listen_address(listen, &error);
  if (!address) {
    result.error = "http.listen: " + error;
    return result;
  }
  Options options;
  options.listen = *address;
  for (std::size_t i = 0; i < allowed_hosts.size(); ++i) {
    auto host = normalize_allowed_host(allowed_hosts[i], &error);
    if (!host) {
      result.error = "http.allowed_hosts[" + std::to_string(i) + "]: " + error;
      return result;
    }
    options.allowed_hosts.push_back(std::move(*host));
  }
  if (!token_file.empty()) {
    std::ifstream in(token_file, std::ios::binary);
    if (!in) {
      result.error = "http.access_token_file: cannot read " + token_file;
      return result;
    }
    std::ostringstream content;
    content << in.rdbuf();
    options.access_token = trim(content.str());
    if (options.access_token.size() < kMinTokenLength) {
      result.error = "http.access_token_file: the token in " + token_file + " must be at least " +
                     std::to_string(kMinTokenLength) + " characters";
      return result;
    }
    for (const char c : options.access_token) {
      if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
        result.error = "http.access_token_file: the token in " + token_file +
                       " must be printable ASCII without spaces";
        return result;
      }
    }
  }
  if (!options.listen.loopback() && options.access_token.empty()) {
    result.error = "http.listen: listening on a non-loopback address requires http.access_token_file";
    return result;
  }
  result.options = std::move(options);
  return result;
}

}  // namespace wedge::http
