// A deliberately plain HTTP client for the server and daemon tests: POSIX sockets, poll() deadlines,
// no Beast, so the tests can send malformed or oversized bytes and read exactly what the server wrote.
// Test thread only.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace wedge::test {

struct HttpReply {
  int status = 0;  // 0 when no reply arrived
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send(const std::string& bytes);
  // Reads one response (headers + Content-Length body); status 0 on timeout or close.
  HttpReply read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads until `marker` is in the received data (returns everything up to and including it).
  std::optional<std::string> read_until(const std::string& marker,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the server closed the connection within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string pending_;
};

// One request on a fresh connection with "Connection: close". `headers` are extra header lines
// ("Authorization: Bearer x\r\n").
HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::string& headers = "", const std::string& body = "");

}  // namespace wedge::test
