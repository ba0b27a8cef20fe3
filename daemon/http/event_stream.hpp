// EventStream: one client of GET /events — a server-sent event stream over a kept-open HTTP/1.1
// response (text/event-stream, no length, ended by closing the connection).
//
// It first writes the response header, a retry hint and the snapshot frames, then every frame the
// hub pushes for its topics, one write at a time from a bounded queue (Options::max_queued_events).
// A client that falls further behind, or whose write does not finish within write_timeout, is
// dropped — the loop never waits for a browser. Idle streams get a comment line every
// heartbeat_interval, so a dead peer is noticed and proxies keep the stream open. Anything the client
// sends, or its disconnect, ends the stream.
//
// Threading: loop thread only. Lives as long as one of its operations is pending.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "daemon/http/event_hub.hpp"
#include "daemon/http/server_state.hpp"

namespace wedge::http {

class EventStream : public EventSink, public std::enable_shared_from_this<EventStream> {
 public:
  EventStream(boost::beast::tcp_stream stream, std::vector<std::string> topics,
              std::shared_ptr<ServerState> state);
  ~EventStream() override;
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Writes the header and `first` (not counted against the queue bound), then streams.
  void start(std::vector<Frame> first);

  bool wants(std::string_view topic) const override;
  bool push(const Frame& frame) override;
  void close() override;

 private:
  void write_next();
  void on_write(const boost::system::error_code& ec);
  void watch_peer();
  void arm_heartbeat();

  boost::beast::tcp_stream stream_;
  std::vector<std::string> topics_;
  std::shared_ptr<ServerState> state_;
  boost::asio::steady_timer heartbeat_;
  std::deque<Frame> queue_;
  std::array<char, 64> discard_{};
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace wedge::http
