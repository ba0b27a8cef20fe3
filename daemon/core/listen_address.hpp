// A listening address as the config writes it (http.listen): "127.0.0.1:8080", "localhost:8080",
// "[::1]:8080", "0.0.0.0:8080". The one parser of such addresses: the config validator reports its
// errors at --check-config time and the HTTP server listens where it says.
//
// Threading: pure functions, any thread.
#pragma once

#include "daemon/core/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace wedge::core {

struct ListenAddress {
  std::string host;  // an IPv4/IPv6 literal without brackets ("127.0.0.1", "::1", "0.0.0.0")
  unsigned short port = 0;  // 1..65535 from the parser; 0 (a free port) only when set in code (tests)

  [[nodiscard]] bool loopback() const;
};

// The address, or invalid_argument with one of
//   expected address:port, got '<text>'
//   port '<port>' out of range 1..65535
//   '<host>' is not an IP address (use e.g. 0.0.0.0 or 127.0.0.1)
// "localhost" means 127.0.0.1.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace wedge::core
