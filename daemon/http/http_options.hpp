// The HTTP server's settings: where it listens, the access token, and the bounds that keep a
// misbehaving client from hurting the loop.
//
// make_options() turns the config's http.listen, http.access_token_file and http.allowed_hosts into
// Options, reading the token file once; a bad address, an unreadable/empty token file or a bad
// allowed host is an error value (the app treats it as a start-up error). Pure apart from reading that file; any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/listen_address.hpp"
#include "daemon/core/result.hpp"

namespace wedge::http {

// One parser of listening addresses for the config validator and the server (core/listen_address.hpp).
using core::ListenAddress;
using core::parse_listen_address;

struct Options {
  ListenAddress listen{"127.0.0.1", 8080};
  // Empty = no token (allowed on loopback only). Never logged.
  std::string access_token;
  // Host names and addresses the gateway answers to besides loopback, the listen address and the
  // address a client connected to (host_check.hpp), normalized by normalize_allowed_host().
  std::vector<std::string> allowed_hosts;

  std::size_t max_connections = 64;        // accepted beyond this are closed at once (counted)
  std::size_t max_event_clients = 32;      // open /events streams; more get 503
  std::size_t max_header_bytes = 8 * 1024;  // 431 beyond
  std::size_t max_body_bytes = 16 * 1024;   // 413 beyond
  std::chrono::milliseconds read_timeout{15000};    // a whole request, from its first byte wait
  std::chrono::milliseconds write_timeout{10000};   // one response or one event frame
  std::chrono::milliseconds action_timeout{10000};  // a provider action's reply (504 beyond)
  std::chrono::milliseconds heartbeat_interval{15000};  // SSE comment lines on idle streams
  std::size_t max_queued_events = 64;  // per stream; a client further behind is dropped
};

// `listen` as in http.listen; `token_file` empty when http.access_token_file is not set. The token
// is the file's content with surrounding whitespace removed; it must be at least 16 characters.
// A non-loopback address without token is refused here too, whatever the caller validated.
// `allowed_hosts` as in http.allowed_hosts (names or addresses, without port). Fails with
// unavailable when the token file cannot be read, invalid_argument for anything else; the reason
// starts with the key ("http.listen: …").
core::Result<Options> make_options(std::string_view listen, const std::string& token_file,
                                   const std::vector<std::string>& allowed_hosts = {});

}  // namespace wedge::http
