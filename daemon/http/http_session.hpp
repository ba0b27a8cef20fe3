// HttpSession: one accepted TCP connection speaking HTTP/1.1 with keep-alive.
//
// Reads one request at a time within the bounds of Options (header and body size, read timeout),
// hands it to the RequestRouter, and writes the answer; a request Beast cannot parse gets 400 (431
// for headers too large, 413 for a body too large) and the connection is closed. An action whose
// provider does not reply within action_timeout is answered 504. A GET /events that the router
// accepts turns the connection into an EventStream, and the session ends.
//
// Threading: loop thread only. Lives as long as one of its operations is pending.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/http/request_router.hpp"
#include "daemon/http/server_state.hpp"

namespace wedge::http {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start();
  void close();

 private:
  void read_request();
  void on_read(const boost::system::error_code& ec);
  void dispatch();
  void answer(Outcome outcome);
  void write(Response response, bool close_after);
  void start_stream(std::vector<std::string> topics);

  boost::beast::tcp_stream stream_;
  std::shared_ptr<ServerState> state_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::asio::steady_timer action_timer_;
  std::uint64_t id_ = 0;
  std::uint64_t generation_ = 0;  // which request a late Reply belongs to
  bool awaiting_ = false;         // a request is being handled and not yet answered
  bool keep_alive_ = false;
  bool closed_ = false;
  bool streaming_ = false;  // the socket now belongs to an EventStream
};

}  // namespace wedge::http
