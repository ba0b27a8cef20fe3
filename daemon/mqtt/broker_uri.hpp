// The broker address as operators write it (broker.uri): `mqtt://host[:port]` for plain TCP (port
// 1883 by default) or `mqtts://host[:port]` for TLS (8883); an IPv6 literal goes in brackets,
// `mqtt://[::1]:1883`. An empty path ("/") is allowed; user info, a longer path, a query or a
// fragment are not.
//
// This is the one parser of broker URIs (Boost.URL underneath): the config validator reports its
// errors, the link takes TLS on or off from it, Paho gets paho() and the command channel and
// TCP_NODELAY (broker_socket.hpp) take host and port.
//
// Threading: pure functions, any thread.
#pragma once

#include "daemon/core/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace wedge::mqtt {

struct BrokerUri {
  std::string host;  // as written, IPv6 without brackets
  int port = 0;      // 1..65535; the scheme's default when the URI names none
  bool tls = false;  // mqtts://

  // Paho C's spelling: tcp://host:port or ssl://host:port (IPv6 in brackets).
  [[nodiscard]] std::string paho() const;
};

// The URI's parts, or invalid_argument with one of
//   expected mqtt://host:port or mqtts://host:port, got '<text>'
//   missing host in '<text>'
//   port '<port>' out of range 1..65535
core::Result<BrokerUri> parse_broker_uri(std::string_view text);

}  // namespace wedge::mqtt
