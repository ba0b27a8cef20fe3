#include "tools/wedgectl/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace wedge::ctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

std::optional<BaseUrl> parse_base_url(const std::string& url, std::string* error) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    *error = "not a URL: '" + url + "'";
    return std::nullopt;
  }
  if (parsed->scheme() != "http") {
    *error = "only http:// URLs are supported, got '" + url + "'";
    return std::nullopt;
  }
  BaseUrl base;
  base.host = std::string(parsed->host_address());
  if (base.host.empty()) {
    *error = "no host in '" + url + "'";
    return std::nullopt;
  }
  base.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  base.prefix = std::string(parsed->encoded_path());
  while (!base.prefix.empty() && base.prefix.back() == '/') base.prefix.pop_back();
  return base;
}

HttpExchange http_call(const BaseUrl& base, const std::string& method, const std::string& path,
                       const std::string& token, const std::string& body,
                       std::chrono::milliseconds timeout) {
  HttpExchange result;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> request;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);

  request.version(11);
  request.method_string(method);
  request.target(base.prefix + path);
  // An IPv6 address goes in brackets ("[::1]:8080"), or the gateway refuses the Host as malformed.
  const bool ipv6 = base.host.find(':') != std::string::npos;
  request.set(bhttp::field::host, (ipv6 ? "[" + base.host + "]" : base.host) + ":" + base.port);
  request.set(bhttp::field::user_agent, "wedgectl");
  request.set(bhttp::field::accept, "application/json");
  if (!token.empty()) request.set(bhttp::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    request.set(bhttp::field::content_type, "application/json");
    request.body() = body;
  }
  request.keep_alive(false);
  request.prepare_payload();

  bool done = false;
  auto finish = [&](const beast::error_code& ec, const char* stage) {
    done = true;
    if (ec) result.error = std::string(stage) + ": " + ec.message();
  };
  stream.expires_after(timeout);
  resolver.async_resolve(base.host, base.port, [&](const beast::error_code& ec, auto endpoints) {
    if (ec) return finish(ec, "cannot resolve the host");
    stream.async_connect(endpoints, [&](const beast::error_code& connect_ec, const auto&) {
      if (connect_ec) return finish(connect_ec, "cannot connect");
      bhttp::async_write(stream, request, [&](const beast::error_code& write_ec, std::size_t) {
        if (write_ec) return finish(write_ec, "cannot send the request");
        bhttp::async_read(stream, buffer, parser, [&](const beast::error_code& read_ec, std::size_t) {
          if (read_ec) return finish(read_ec, "no valid reply");
          result.ok = true;
          finish({}, "");
        });
      });
    });
  });
  io.run_for(timeout + std::chrono::milliseconds(500));
  if (!done) {
    result.ok = false;
    result.error = "timed out";
    return result;
  }
  if (result.ok) {
    const auto& message = parser.get();
    result.status = message.result_int();
    result.content_type = std::string(message[bhttp::field::content_type]);
    result.body = message.body();
  }
  return result;
}

}  // namespace wedge::ctl
