#include "daemon/core/host_name.hpp"

#include <cctype>
#include <charconv>

#include "daemon/core/ascii.hpp"

namespace wedge::core {

namespace ip = boost::asio::ip;

namespace {

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (const char c : name) {
    if (c == '.') {
      if (label == 0) return false;  // "..", or a leading dot
      label = 0;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '-' && c != '_') return false;
    if (++label > 63) return false;
  }
  return true;
}

}  // namespace

// ::ffff:a.b.c.d is a.b.c.d (a dual-stack socket reports IPv4 peers and local ends that way).
ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

// "name", "name:port", "1.2.3.4:port", "[::1]:port"; an empty port ("name:") counts as none.
std::optional<Authority> parse_authority(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string_view host;
  std::string_view rest;
  bool bracketed = false;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
    bracketed = true;
  } else {
    const auto colon = text.find(':');
    host = text.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
  }
  Authority authority;
  if (!rest.empty()) {
    if (rest.front() != ':') return std::nullopt;
    const auto digits = rest.substr(1);
    if (!digits.empty()) {
      unsigned port = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
      if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535) return std::nullopt;
      authority.port = port;
    }
  }
  boost::system::error_code ec;
  if (bracketed) {
    authority.address = ip::make_address_v6(std::string(host), ec);
    if (ec) return std::nullopt;
  } else {
    authority.address = ip::make_address_v4(std::string(host), ec);
  }
  if (!ec) {
    authority.address = unmapped(authority.address);
    authority.is_address = true;
    authority.host = authority.address.to_string();
    return authority;
  }
  authority.host = lower_ascii(host);
  if (!authority.host.empty() && authority.host.back() == '.') authority.host.pop_back();
  if (!valid_name(authority.host)) return std::nullopt;
  return authority;
}

Result<std::string> normalize_allowed_host(std::string_view entry) {
  auto fail = [](std::string message) { return core::fail(Errc::invalid_argument, std::move(message)); };
  boost::system::error_code ec;
  const auto v6 = ip::make_address_v6(std::string(entry), ec);  // "::1" without brackets
  const auto authority = !ec ? parse_authority("[" + v6.to_string() + "]") : parse_authority(entry);
  if (!authority)
    return fail("expected a host name or an IP address, got '" + std::string(entry) + "'");
  if (authority->port) return fail("'" + std::string(entry) + "' has a port: list the name alone (any port is accepted)");
  return authority->host;
}

}  // namespace wedge::core
