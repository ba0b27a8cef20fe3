#include "daemon/http/host_check.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wedge::http {

namespace {

namespace ip = boost::asio::ip;
namespace json = boost::json;

constexpr unsigned kDefaultHttpPort = 80;
constexpr unsigned kDefaultHttpsPort = 443;

// The host part of a Host header or an Origin, taken apart (RFC 9110 §7.2, RFC 3986 §3.2.2).
struct Authority {
  std::string host;  // lower-cased name without a final dot, or the address in canonical text
  bool is_address = false;
  ip::address address;
  std::optional<unsigned> port;
};

// ::ffff:a.b.c.d is a.b.c.d (a dual-stack socket reports IPv4 peers and local ends that way).
ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

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

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
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
  authority.host = lower(host);
  if (!authority.host.empty() && authority.host.back() == '.') authority.host.pop_back();
  if (!valid_name(authority.host)) return std::nullopt;
  return authority;
}

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

std::optional<std::string> normalize_allowed_host(std::string_view entry, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<std::string> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  boost::system::error_code ec;
  const auto v6 = ip::make_address_v6(std::string(entry), ec);  // "::1" without brackets
  const auto authority = !ec ? parse_authority("[" + v6.to_string() + "]") : parse_authority(entry);
  if (!authority)
    return fail("expected a host name or an IP address, got '" + std::string(entry) + "'");
  if (authority->port) return fail("'" + std::string(entry) + "' has a port: list the name alone (any port is accepted)");
  return authority->host;
}

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
  const std::string scheme = lower(request.origin.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return false;
  const auto origin = parse_authority(std::string_view(request.origin).substr(scheme_end + 3));
  if (!origin || !allowed(*origin, request, options)) return false;
  const auto host = parse_authority(request.host);
  if (!host) return true;  // HTTP/1.0 without Host: not a browser, and the name was checked above
  const unsigned origin_port = origin->port.value_or(scheme == "https" ? kDefaultHttpsPort : kDefaultHttpPort);
  return origin_port == host->port.value_or(kDefaultHttpPort);
}

}  // namespace wedge::http
