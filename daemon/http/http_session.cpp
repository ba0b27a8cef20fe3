#include "daemon/http/http_session.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "daemon/http/event_stream.hpp"

namespace wedge::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

HttpSession::HttpSession(asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state)
    : stream_(std::move(socket)), state_(std::move(state)), action_timer_(stream_.get_executor()) {
  ++state_->counters.open_connections;
  id_ = state_->next_session++;
}

HttpSession::~HttpSession() {
  --state_->counters.open_connections;
  state_->closers.erase(id_);
}

void HttpSession::start() {
  std::weak_ptr<HttpSession> weak = shared_from_this();
  state_->closers[id_] = [weak] {
    if (auto self = weak.lock()) self->close();
  };
  read_request();
}

void HttpSession::close() {
  if (closed_ || streaming_) return;
  closed_ = true;
  action_timer_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void HttpSession::read_request() {
  if (closed_ || state_->stopped) return close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
  parser_->body_limit(state_->options.max_body_bytes);
  stream_.expires_after(state_->options.read_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                      self->on_read(ec);
                    });
}

void HttpSession::on_read(const beast::error_code& ec) {
  if (closed_) return;
  // Normal endings first: the client closed, or we are stopping.
  if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
      ec == asio::error::connection_reset || ec == asio::error::eof)
    return close();
  if (ec == beast::error::timeout) {
    ++state_->counters.timeouts;
    return close();
  }
  if (ec == bhttp::error::header_limit)
    return write(json_error(431, "request header too large"), true);
  if (ec == bhttp::error::body_limit) return write(json_error(413, "request body too large"), true);
  if (ec) return write(json_error(400, "malformed HTTP request: " + ec.message()), true);
  if (state_->stopped) return close();
  dispatch();
}

void HttpSession::dispatch() {
  const auto& message = parser_->get();
  keep_alive_ = message.keep_alive();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.authorization = std::string(message[bhttp::field::authorization]);
  request.content_type = std::string(message[bhttp::field::content_type]);
  request.origin = std::string(message[bhttp::field::origin]);
  request.host = std::string(message[bhttp::field::host]);
  request.host_repeated = message.count(bhttp::field::host) > 1;
  request.version = message.version();
  beast::error_code ignored;
  request.local_address = stream_.socket().local_endpoint(ignored).address().to_string();
  request.body = message.body();

  const auto generation = ++generation_;
  awaiting_ = true;
  stream_.expires_never();
  action_timer_.expires_after(state_->options.action_timeout);
  action_timer_.async_wait([self = shared_from_this(), generation](const beast::error_code& ec) {
    if (ec || !self->awaiting_ || self->generation_ != generation) return;
    ++self->state_->counters.timeouts;
    spdlog::warn("http: no answer from the gateway within {} ms; replying 504",
                 self->state_->options.action_timeout.count());
    self->answer(Outcome{json_error(504, "the gateway did not answer in time"), std::nullopt});
  });
  state_->router.handle(request, [self = shared_from_this(), generation](Outcome outcome) {
    if (!self->awaiting_ || self->generation_ != generation || self->closed_) return;
    self->answer(std::move(outcome));
  });
}

void HttpSession::answer(Outcome outcome) {
  awaiting_ = false;
  action_timer_.cancel();
  if (outcome.stream_topics) return start_stream(std::move(*outcome.stream_topics));
  write(std::move(outcome.response), !keep_alive_);
}

void HttpSession::write(Response response, bool close_after) {
  ++state_->counters.responses_by_status[response.status];
  auto message = std::make_shared<bhttp::response<bhttp::string_body>>();
  message->version(11);
  message->result(response.status);
  message->set(bhttp::field::server, "wedge");
  message->set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message->set(name, value);
  message->body() = std::move(response.body);
  message->keep_alive(!close_after);
  message->prepare_payload();
  stream_.expires_after(state_->options.write_timeout);
  bhttp::async_write(stream_, *message,
                     [self = shared_from_this(), message, close_after](const beast::error_code& ec,
                                                                        std::size_t) {
                       if (self->closed_) return;
                       if (ec == beast::error::timeout) ++self->state_->counters.timeouts;
                       if (ec || close_after) return self->close();
                       self->read_request();
                     });
}

void HttpSession::start_stream(std::vector<std::string> topics) {
  if (state_->counters.open_streams >= state_->options.max_event_clients) {
    ++state_->counters.streams_rejected;
    return write(json_error(503, "too many event streams open"), true);
  }
  ++state_->counters.responses_by_status[200];
  streaming_ = true;
  state_->closers.erase(id_);
  stream_.expires_never();
  auto first = state_->hub.snapshot_frames(topics);
  auto stream = std::make_shared<EventStream>(std::move(stream_), std::move(topics), state_);
  state_->hub.add(stream);
  stream->start(std::move(first));
}

}  // namespace wedge::http
