#include "tools/station-bench/sse_client.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/write.hpp>

#include "tools/station-bench/clock.hpp"

namespace wedge::station_bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

SseClient::SseClient(asio::any_io_executor executor, int port, std::string target, bool reopen,
                     FrameHandler handler)
    : executor_(std::move(executor)),
      port_(port),
      target_(std::move(target)),
      reopen_(reopen),
      handler_(std::move(handler)),
      retry_timer_(executor_) {}

SseClient::~SseClient() {
  *alive_ = false;
  close();
}

void SseClient::start() { dial(); }

void SseClient::close() {
  stopped_ = true;
  retry_timer_.cancel();
  boost::system::error_code ignored;
  if (socket_) socket_->close(ignored);
}

void SseClient::retry() {
  socket_.reset();
  std::weak_ptr<bool> alive = alive_;
  retry_timer_.expires_after(std::chrono::milliseconds(20));
  retry_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (!alive.expired() && !ec && !stopped_) dial();
  });
}

void SseClient::dial() {
  if (stopped_) return;
  socket_ = std::make_unique<tcp::socket>(executor_);
  header_done_ = false;
  buffer_.clear();
  std::weak_ptr<bool> alive = alive_;
  const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port_));
  socket_->async_connect(endpoint, [this, alive](const boost::system::error_code& ec) {
    if (alive.expired() || stopped_) return;
    if (ec) return retry();
    boost::system::error_code ignored;
    socket_->set_option(tcp::no_delay(true), ignored);
    request_ = "GET " + target_ + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
               "\r\nAccept: text/event-stream\r\n\r\n";
    // The request is all the client ever sends: anything more would end the stream.
    asio::async_write(*socket_, asio::buffer(request_), [this, alive](const boost::system::error_code& write_ec,
                                                                       std::size_t) {
      if (alive.expired() || stopped_) return;
      if (write_ec) return retry();
      read_more();
    });
  });
}

void SseClient::read_more() {
  std::weak_ptr<bool> alive = alive_;
  socket_->async_read_some(asio::buffer(chunk_), [this, alive](const boost::system::error_code& ec, std::size_t n) {
    if (alive.expired() || stopped_) return;
    // The time the bytes reached us, taken before anything is parsed.
    const std::int64_t received_ns = mono_ns();
    if (ec) {
      if (streaming_ && !reopen_) {
        closed_by_peer_ = true;
        error_ = "event stream closed by the daemon: " + ec.message();
        return;
      }
      if (streaming_) ++reopened_;
      streaming_ = false;
      return retry();
    }
    if (quickack_) {
      const int on = 1;
      ::setsockopt(socket_->native_handle(), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
    }
    buffer_.append(chunk_.data(), n);
    on_bytes(received_ns);
    if (!closed_by_peer_ && !stopped_) read_more();
  });
}

void SseClient::on_bytes(std::int64_t received_ns) {
  if (!header_done_) {
    const auto end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) return;
    const std::string status_line = buffer_.substr(0, buffer_.find("\r\n"));
    if (status_line.find(" 200 ") == std::string::npos) {
      // e.g. 503 while the daemon has too many streams: a usage problem, reported, not retried.
      error_ = "GET " + target_ + " answered: " + status_line;
      closed_by_peer_ = true;
      streaming_ = true;
      return;
    }
    buffer_.erase(0, end + 4);
    header_done_ = true;
    streaming_ = true;
  }
  std::size_t start = 0;
  while (true) {
    const auto end = buffer_.find("\n\n", start);
    if (end == std::string::npos) break;
    const std::string_view frame(buffer_.data() + start, end - start);
    std::string_view event;
    std::string data;
    std::size_t pos = 0;
    while (pos <= frame.size()) {
      auto nl = frame.find('\n', pos);
      if (nl == std::string_view::npos) nl = frame.size();
      const auto line = frame.substr(pos, nl - pos);
      if (line.starts_with("event: ")) event = line.substr(7);
      else if (line.starts_with("data: ")) {
        if (!data.empty()) data.push_back('\n');
        data.append(line.substr(6));
      }
      pos = nl + 1;
    }
    if (!data.empty()) {
      ++frames_;
      handler_(event, data, received_ns);
    }
    start = end + 2;
  }
  buffer_.erase(0, start);
}

}  // namespace wedge::station_bench
