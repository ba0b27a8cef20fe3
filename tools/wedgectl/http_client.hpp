// A minimal blocking HTTP/1.1 client for wedgectl: one request per connection, with a deadline.
//
// Transport failures (cannot resolve or connect, timeout, garbled reply) are values with a
// sentence in `error`; any HTTP status is a successful exchange. Only http:// URLs (the API listens
// on loopback or behind the operator's own TLS proxy). Any thread; each call uses its own context.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace wedge::ctl {

struct BaseUrl {
  std::string host;
  std::string port;    // "8080"
  std::string prefix;  // path before /api, usually empty
};

// Parses "http://127.0.0.1:8080" (port defaults to 80). nullopt with `error` set otherwise.
std::optional<BaseUrl> parse_base_url(const std::string& url, std::string* error);

struct HttpExchange {
  bool ok = false;     // a reply arrived
  std::string error;   // why not, when !ok
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// `body` empty = none sent; otherwise sent as application/json. `token` empty = no Authorization.
HttpExchange http_call(const BaseUrl& base, const std::string& method, const std::string& path,
                       const std::string& token, const std::string& body,
                       std::chrono::milliseconds timeout);

}  // namespace wedge::ctl
