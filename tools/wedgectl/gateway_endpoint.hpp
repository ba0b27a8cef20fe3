// `wedgectl --config FILE`: where the gateway that runs with FILE answers, and the token it wants,
// read from FILE and its drop-ins (http.listen, http.access_token_file; the defaults when absent).
// Only those keys are read, so that `wedgectl --config FILE reload` reaches the gateway even when
// another part of FILE is invalid — the gateway then says what is wrong. Pure apart from reading
// the files; any thread.
#pragma once

#include <optional>
#include <string>

namespace wedge::ctl {

struct GatewayEndpoint {
  std::string url;         // http://HOST:PORT ([HOST] for IPv6); a wildcard address reads as loopback
  std::string token_file;  // absolute, or relative to the working directory; empty: none
};

// Empty, with `*error` set, when FILE cannot be read or is not YAML.
[[nodiscard]] std::optional<GatewayEndpoint> gateway_endpoint(const std::string& config_file, std::string* error);

}  // namespace wedge::ctl
