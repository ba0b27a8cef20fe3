// SseClient: one reader of the daemon's server-sent event stream (GET /events, docs/http-api.md
// "Live updates"), as a station screen would hold it open.
//
// start() dials 127.0.0.1:port every 20 ms until the daemon answers `200`, then hands every complete
// frame to the handler with the CLOCK_MONOTONIC time its last bytes were read from the socket (read
// before the frame is parsed, so parsing adds nothing to a latency). A frame is `event:` + `data:`
// lines ending in a blank line; comments (keep-alives) and `id:`/`retry:` lines are skipped.
// With `reopen` a stream the daemon closed is dialled again (fine for state such as device health:
// the new stream starts with the current values). Without it a closed stream stays closed and
// closed() tells the bench: a reopened stream starts with the current snapshots, which would pass an
// old verdict off as a late one.
// set_quickack(true) re-arms TCP_QUICKACK after every read, so the bench acknowledges each frame at
// once instead of after the kernel's delayed-ACK timer (40 ms on Linux): a diagnostic that shows how
// much of the latency is Nagle on the daemon's side waiting for that ACK. A browser does not do it.
// Loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::station_bench {

class SseClient {
 public:
  using FrameHandler = std::function<void(std::string_view event, std::string_view data, std::int64_t received_ns)>;

  SseClient(boost::asio::any_io_executor executor, int port, std::string target, bool reopen, FrameHandler handler);
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  void set_quickack(bool on) { quickack_ = on; }
  void start();
  void close();
  bool streaming() const { return streaming_; }
  bool closed() const { return closed_by_peer_; }
  const std::string& error() const { return error_; }
  std::int64_t frames() const { return frames_; }
  std::int64_t reopened() const { return reopened_; }

 private:
  void dial();
  void retry();
  void read_more();
  void on_bytes(std::int64_t received_ns);

  boost::asio::any_io_executor executor_;
  int port_;
  std::string target_;
  bool reopen_;
  bool quickack_ = false;
  FrameHandler handler_;
  std::unique_ptr<boost::asio::ip::tcp::socket> socket_;
  boost::asio::steady_timer retry_timer_;
  std::string request_;
  std::vector<char> chunk_ = std::vector<char>(64 * 1024);
  std::string buffer_;
  bool header_done_ = false;
  bool streaming_ = false;
  bool closed_by_peer_ = false;
  bool stopped_ = false;
  std::string error_;
  std::int64_t frames_ = 0;
  std::int64_t reopened_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wedge::station_bench
