#include "daemon/http/event_stream.hpp"

#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

namespace wedge::http {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// "retry" tells EventSource to reconnect after 2 s when the daemon restarts or the stream drops.
const Frame kHeader = std::make_shared<const std::string>(
    "HTTP/1.1 200 OK\r\n"
    "Server: wedge\r\n"
    "Content-Type: text/event-stream; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "X-Accel-Buffering: no\r\n"
    "Connection: close\r\n"
    "\r\n"
    "retry: 2000\n\n");
const Frame kHeartbeat = std::make_shared<const std::string>(": keep-alive\n\n");

}  // namespace

EventStream::EventStream(beast::tcp_stream stream, std::vector<std::string> topics,
                         std::shared_ptr<ServerState> state)
    : stream_(std::move(stream)),
      topics_(std::move(topics)),
      state_(std::move(state)),
      heartbeat_(stream_.get_executor()) {
  ++state_->counters.open_streams;
}

EventStream::~EventStream() { --state_->counters.open_streams; }

void EventStream::start(std::vector<Frame> first) {
  queue_.push_back(kHeader);
  for (auto& frame : first) queue_.push_back(std::move(frame));
  watch_peer();
  arm_heartbeat();
  write_next();
}

bool EventStream::wants(std::string_view topic) const {
  if (closed_) return false;
  for (const auto& subscription : topics_)
    if (topic_matches(subscription, topic)) return true;
  return false;
}

bool EventStream::push(const Frame& frame) {
  if (closed_) return false;
  if (queue_.size() >= state_->options.max_queued_events) {
    spdlog::warn("http: event client too slow ({} frames behind); dropping it", queue_.size());
    close();
    return false;
  }
  queue_.push_back(frame);
  write_next();
  return true;
}

void EventStream::close() {
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  heartbeat_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void EventStream::write_next() {
  if (writing_ || closed_ || queue_.empty()) return;
  writing_ = true;
  stream_.expires_after(state_->options.write_timeout);
  // The frame stays alive in queue_.front() until the write completes.
  asio::async_write(stream_, asio::buffer(*queue_.front()),
                    [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                      self->on_write(ec);
                    });
}

void EventStream::on_write(const beast::error_code& ec) {
  writing_ = false;
  if (closed_) return;
  if (ec) {
    if (ec == beast::error::timeout) {
      ++state_->counters.timeouts;
      spdlog::warn("http: event client stalled (write timeout); dropping it");
    }
    close();
    return;
  }
  queue_.pop_front();
  write_next();
}

void EventStream::watch_peer() {
  stream_.socket().async_read_some(
      asio::buffer(discard_), [self = shared_from_this()](const beast::error_code&, std::size_t) {
        // A stream client has nothing to say: data or end of stream both end the stream.
        self->close();
      });
}

void EventStream::arm_heartbeat() {
  heartbeat_.expires_after(state_->options.heartbeat_interval);
  heartbeat_.async_wait([self = shared_from_this()](const beast::error_code& ec) {
    if (ec || self->closed_) return;
    if (self->queue_.empty()) {
      self->queue_.push_back(kHeartbeat);
      self->write_next();
    }
    self->arm_heartbeat();
  });
}

}  // namespace wedge::http
