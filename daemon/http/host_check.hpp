// HostCheck: the names the gateway answers to, the defence against DNS rebinding.
//
// A web page at http://evil.example:8080 whose name the attacker re-points at 127.0.0.1 talks to
// the gateway from the browser as "same origin": it sends `Host: evil.example:8080` and, on a POST,
// `Origin: http://evil.example:8080`. So the server answers only requests whose Host is a name the
// gateway is known by, before any handler runs (/healthz, /metrics and the pages included):
// - loopback: `localhost`, any 127.0.0.0/8 address, `[::1]`;
// - the address of http.listen (unless it is a wildcard such as 0.0.0.0);
// - the address the client connected to (an IP literal: a browser sends the name from its URL, so a
//   rebinding page can never present one of our own addresses);
// - every entry of http.allowed_hosts (names and addresses).
// Any port is accepted with these (or none); names are compared without case and without a final
// dot. A foreign Host is 421 Misdirected Request; a missing Host on HTTP/1.1, an empty, repeated or
// malformed one is 400 — both with a JSON body naming the Host and the key that allows it.
// The cross-site check of the actions uses the same set: a POST's Origin must name an allowed host
// on the port the request came to (docs/http-api.md, "Access").
//
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/host_name.hpp"
#include "daemon/http/http_options.hpp"
#include "daemon/http/request_router.hpp"

namespace wedge::http {

// The allowed_hosts entries are normalized by the shared parser (the config validator uses it too).
using core::normalize_allowed_host;

// nullopt when the request's Host is one the gateway answers to; otherwise the error response.
[[nodiscard]] std::optional<Response> refuse_host(const Request& request, const Options& options);

// True when the request carries no Origin, or an http(s) Origin naming an allowed host on the port
// the request's Host names (80 when it names none). Call after refuse_host() let the request in.
[[nodiscard]] bool origin_allowed(const Request& request, const Options& options);

}  // namespace wedge::http
