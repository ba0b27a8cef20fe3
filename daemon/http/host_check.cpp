#include "daemon/http/host_check.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>

#include <algorithm>

#include "daemon/core/ascii.hpp"
#include "daemon/core/host_name.hpp"

namespace wedge::http {

namespace {

namespace ip = boost::asio::ip;
namespace json = boost::json;

using core::Authority;
using core::lower_ascii;
using core::parse_authority;
using core::unmapped;

constexpr unsigned kDefaultHttpPort = 80;
constexpr unsigned kDefaultHttpsPort = 443;

bool same_address(const std::string& text, const ip::address& address) {
  boost::system::error_code ec;
  const auto other = ip::make_address(text, ec);
  return !ec && !other.is_unspecified() && unmapped(other) == address;
}

bool allowed(const Authority& authority, const Request& request, const Options& options) {
  const auto& list = options.allowed_hosts;
  if (std::find(list.begin(), list.end(), authority.host) != list.end()) return true;
  if (!authority.is_address) return authority.host == "localhost";
  return authority.address.is_loopback() || same_address(options.listen.host, authority.address) ||
         same_address(request.local_address, authority.address);
}

Response refusal(unsigned status, const std::string& message, const Request& request) {
  Response response;
  response.status = status;
  json::object body{{"error", message}};
  if (!request.host.empty()) body["host"] = request.host;
  response.body = json::serialize(body) + "\n";
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

std::optional<Response> refuse_host(const Request& request, const Options& options) {
  if (request.host_repeated) return refusal(400, "the request has more than one Host header", request);
  if (request.host.empty()) {
    // HTTP/1.0 has no Host; no browser sends a request without one.
    if (request.version < 11) return std::nullopt;
    return refusal(400, "the request has no Host header (HTTP/1.1 requires one)", request);
  }
  const auto authority = parse_authority(request.host);
  if (!authority) return refusal(400, "malformed Host header", request);
  if (allowed(*authority, request, options)) return std::nullopt;
  return refusal(421,
                 "Host '" + request.host + "' is not a name of this gateway; to reach it by this name, add '" +
                     authority->host + "' to http.allowed_hosts",
                 request);
}

bool origin_allowed(const Request& request, const Options& options) {
  if (request.origin.empty()) return true;
  const auto scheme_end = request.origin.find("://");
  if (scheme_end == std::string::npos) return false;  // "null" (a sandboxed page, a file) too
  const std::string scheme = lower_ascii(request.origin.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return false;
  const auto origin = parse_authority(std::string_view(request.origin).substr(scheme_end + 3));
  if (!origin || !allowed(*origin, request, options)) return false;
  const auto host = parse_authority(request.host);
  if (!host) return true;  // HTTP/1.0 without Host: not a browser, and the name was checked above
  const unsigned origin_port = origin->port.value_or(scheme == "https" ? kDefaultHttpsPort : kDefaultHttpPort);
  return origin_port == host->port.value_or(kDefaultHttpPort);
}

}  // namespace wedge::http
