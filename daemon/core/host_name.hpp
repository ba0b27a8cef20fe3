// Host names and addresses as a Host header, an Origin or http.allowed_hosts write them: the one
// parser of an authority ("name", "name:port", "1.2.3.4:port", "[::1]:port"; RFC 9110 §7.2,
// RFC 3986 §3.2.2). The config validator checks http.allowed_hosts with it and the HTTP server's
// Host check (daemon/http/host_check.hpp) compares requests with it, so both agree on what a name is.
//
// Threading: pure functions, any thread.
#pragma once

#include "daemon/core/result.hpp"

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace wedge::core {

// The host part of a Host header or an Origin, taken apart.
struct Authority {
  std::string host;  // lower-cased name without a final dot, or the address in canonical text
  bool is_address = false;
  boost::asio::ip::address address;
  std::optional<unsigned> port;
};

// nullopt for anything that is not a host name (letters, digits, '-', '_', '.'), an IPv4 address or
// a bracketed IPv6 address, with an optional port 0..65535; an empty port ("name:") counts as none.
[[nodiscard]] std::optional<Authority> parse_authority(std::string_view text);

// ::ffff:a.b.c.d is a.b.c.d (a dual-stack socket reports IPv4 peers and local ends that way).
[[nodiscard]] boost::asio::ip::address unmapped(const boost::asio::ip::address& address);

// One http.allowed_hosts entry made comparable: a host name (letters, digits, '-', '.', lower-cased,
// without a final dot) or an IP address (IPv6 with or without brackets; stored without them).
// invalid_argument for anything else, a port included ("'gw.lan:8080' has a port: …").
Result<std::string> normalize_allowed_host(std::string_view entry);

}  // namespace wedge::core
