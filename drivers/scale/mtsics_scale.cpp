#include "drivers/scale/mtsics_scale.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "drivers/common/settings.hpp"
#include "drivers/scale/serial_line.hpp"

namespace wedge::drivers::scale {

namespace asio = boost::asio;

MtSicsConfig MtSicsConfig::from_settings(const Settings& settings) {
  MtSicsConfig config;
  config.transport =
      settings.get_string("transport") == "tcp" ? Transport::tcp : Transport::serial;
  config.path = settings.get_string_or("path", "");
  config.host = settings.get_string_or("host", "");
  config.port = static_cast<int>(settings.get_int("port"));
  config.line = SerialLine::from_settings(settings);
  const auto& mode = settings.get_string("mode");
  config.mode = mode == "sir" ? Mode::sir : mode == "s" ? Mode::s : Mode::si;
  config.poll_interval = std::chrono::milliseconds(settings.get_int("poll_interval_ms"));
  config.response_timeout = std::chrono::milliseconds(settings.get_int("response_timeout_ms"));
  config.reconnect_max = std::chrono::milliseconds(settings.get_int("reconnect_max_ms"));
  return config;
}

std::string MtSicsConfig::describe() const {
  if (transport == Transport::tcp) return fmt::format("tcp {}:{}", host, port);
  return fmt::format("serial {} {}", path, line.describe());
}

MtSicsScale::MtSicsScale(asio::any_io_executor loop, std::string id, MtSicsConfig config)
    : Scale(loop, std::move(id), StabilityConfig{}),
      config_(std::move(config)),
      backoff_(std::chrono::milliseconds(100), config_.reconnect_max),
      reconnect_timer_(loop),
      poll_timer_(loop),
      response_timer_(loop) {}

MtSicsScale::~MtSicsScale() { stop(); }

void MtSicsScale::start() {
  if (token_) return;
  token_ = std::make_shared<int>(0);
  backoff_.reset();
  spdlog::info("device={} mt-sics scale on {}", id(), config_.describe());
  connect();
}

void MtSicsScale::stop() {
  if (!token_) return;
  token_.reset();
  conn_token_.reset();
  reconnect_timer_.cancel();
  poll_timer_.cancel();
  response_timer_.cancel();
  close_stream();
  in_flight_.reset();
  queue_.clear();
  drop_waiters();
}

bool MtSicsScale::is_open() const {
  return (serial_ && serial_->is_open()) || (socket_ && socket_->is_open());
}

void MtSicsScale::close_stream() {
  boost::system::error_code ignored;
  if (serial_) {
    serial_->close(ignored);
    serial_.reset();
  }
  if (socket_) {
    socket_->close(ignored);
    socket_.reset();
  }
  if (resolver_) {
    resolver_->cancel();
    resolver_.reset();
  }
  pending_.clear();
  outbox_.clear();
  writing_ = false;
  streaming_ = false;
}

void MtSicsScale::connect() {
  conn_token_ = std::make_shared<int>(0);
  if (config_.transport == MtSicsConfig::Transport::serial) {
    if (config_.path.empty()) {
      report_fault("no serial path configured");
      return;  // a config error: retrying cannot help
    }
    serial_.emplace(loop_);
    const auto ec = open_serial_line(*serial_, config_.path, config_.line);
    if (ec) {
      lose_connection(fmt::format("open {}: {}", config_.path, ec.message()));
      return;
    }
    on_connected();
    return;
  }
  if (config_.host.empty()) {
    report_fault("no host configured");
    return;
  }
  resolver_.emplace(loop_);
  socket_.emplace(loop_);
  response_timer_.expires_after(config_.response_timeout);
  response_timer_.async_wait(
      [this, token = std::weak_ptr<int>(conn_token_)](boost::system::error_code ec) {
        if (ec || !token.lock() || is_open()) return;
        lose_connection(fmt::format("connect {}: timed out", config_.describe()));
      });
  resolver_->async_resolve(
      config_.host, std::to_string(config_.port),
      [this, token = std::weak_ptr<int>(conn_token_)](
          boost::system::error_code ec, const asio::ip::tcp::resolver::results_type& results) {
        if (!token.lock()) return;
        if (ec) {
          lose_connection(fmt::format("resolve {}: {}", config_.host, ec.message()));
          return;
        }
        asio::async_connect(*socket_, results,
                            [this, token](boost::system::error_code cec, const auto&) {
                              if (!token.lock()) return;
                              if (cec) {
                                lose_connection(
                                    fmt::format("connect {}: {}", config_.describe(), cec.message()));
                                return;
                              }
                              response_timer_.cancel();
                              on_connected();
                            });
      });
}

void MtSicsScale::on_connected() {
  spdlog::info("device={} opened {}", id(), config_.describe());
  read_more();
  if (config_.mode == MtSicsConfig::Mode::sir) {
    streaming_ = true;
    write("SIR\r\n");
    arm_response_timer();
  } else {
    schedule_poll();
  }
  send_next();
}

void MtSicsScale::lose_connection(std::string reason) {
  conn_token_.reset();
  response_timer_.cancel();
  poll_timer_.cancel();
  close_stream();
  if (in_flight_ && in_flight_->handler)
    finish(std::move(in_flight_->handler), core::fail(ScaleError::fault, reason));
  in_flight_.reset();
  report_fault(std::move(reason));
  schedule_reconnect();
}

void MtSicsScale::schedule_reconnect() {
  reconnect_timer_.expires_after(backoff_.next());
  reconnect_timer_.async_wait([this, token = std::weak_ptr<int>(token_)](boost::system::error_code ec) {
    if (ec || !token.lock()) return;
    connect();
  });
}

void MtSicsScale::read_more() {
  auto handler = [this, token = std::weak_ptr<int>(conn_token_)](boost::system::error_code ec,
                                                                 std::size_t n) {
    if (!token.lock()) return;
    if (ec) {
      lose_connection(ec == asio::error::eof ? "connection closed by the scale"
                                             : fmt::format("read: {}", ec.message()));
      return;
    }
    pending_.append(read_buffer_.data(), n);
    std::size_t start = 0;
    while (true) {
      const auto end = pending_.find('\n', start);
      if (end == std::string::npos) break;
      const std::string line = pending_.substr(start, end - start);
      start = end + 1;
      on_line(line);
      if (!token.lock()) return;  // the line handler may have dropped the connection
    }
    pending_.erase(0, start);
    if (pending_.size() > kMaxPending) {
      spdlog::warn("device={} dropped {} bytes without a line end", id(), pending_.size());
      pending_.clear();
    }
    read_more();
  };
  if (serial_)
    serial_->async_read_some(asio::buffer(read_buffer_), std::move(handler));
  else if (socket_)
    socket_->async_read_some(asio::buffer(read_buffer_), std::move(handler));
}

void MtSicsScale::write(std::string data) {
  outbox_.push_back(std::move(data));
  if (writing_) return;
  writing_ = true;
  auto handler = [this, token = std::weak_ptr<int>(conn_token_)](boost::system::error_code ec,
                                                                 std::size_t) {
    if (!token.lock()) return;
    writing_ = false;
    if (ec) {
      lose_connection(fmt::format("write: {}", ec.message()));
      return;
    }
    outbox_.pop_front();
    if (!outbox_.empty()) {
      auto next = std::move(outbox_.front());
      outbox_.pop_front();
      write(std::move(next));
    }
  };
  if (serial_)
    asio::async_write(*serial_, asio::buffer(outbox_.front()), std::move(handler));
  else if (socket_)
    asio::async_write(*socket_, asio::buffer(outbox_.front()), std::move(handler));
}

void MtSicsScale::schedule_poll() {
  if (config_.mode == MtSicsConfig::Mode::sir) return;
  poll_timer_.expires_after(config_.poll_interval);
  poll_timer_.async_wait([this, token = std::weak_ptr<int>(conn_token_)](boost::system::error_code ec) {
    if (ec || !token.lock()) return;
    if (!in_flight_ && queue_.empty())
      enqueue({config_.mode == MtSicsConfig::Mode::s ? "S" : "SI", {}});
    schedule_poll();
  });
}

void MtSicsScale::enqueue(Request request) {
  queue_.push_back(std::move(request));
  send_next();
}

void MtSicsScale::send_next() {
  if (in_flight_ || queue_.empty() || !is_open() || !conn_token_) return;
  in_flight_ = std::move(queue_.front());
  queue_.pop_front();
  // Any command ends an SIR stream (MT-SICS: SIR repeats until the next command).
  streaming_ = false;
  write(in_flight_->command + "\r\n");
  arm_response_timer();
}

void MtSicsScale::arm_response_timer() {
  response_timer_.expires_after(config_.response_timeout);
  response_timer_.async_wait([this, token = std::weak_ptr<int>(conn_token_)](boost::system::error_code ec) {
    if (ec || !token.lock()) return;
    on_response_timeout();
  });
}

void MtSicsScale::on_response_timeout() {
  const std::string what = in_flight_ ? in_flight_->command : std::string("SIR");
  lose_connection(fmt::format("no reply to {} within {} ms", what, config_.response_timeout.count()));
}

void MtSicsScale::on_line(std::string_view raw) {
  const auto reply = parse_mtsics_line(raw);
  if (reply.status == MtSicsStatus::invalid) {
    spdlog::warn("device={} ignored invalid MT-SICS line: {}", id(), reply.reason);
    return;
  }
  const bool weight_reply = reply.command == "S" || reply.command == "SI" || reply.command == "SIR";
  const bool generic_error = reply.command.empty();
  if (weight_reply) {
    on_weight_reply(reply);
  } else if (generic_error || (in_flight_ && reply.command == in_flight_->command)) {
    on_command_reply(reply);
  } else {
    spdlog::warn("device={} unexpected MT-SICS reply {} {}", id(), reply.command, to_string(reply.status));
  }
}

void MtSicsScale::on_weight_reply(const MtSicsReply& reply) {
  const bool answers_request = in_flight_ && !in_flight_->handler;
  Reading reading;
  reading.net = net_;
  bool publish_it = true;
  bool fault = false;
  switch (reply.status) {
    case MtSicsStatus::stable:
    case MtSicsStatus::dynamic: {
      const auto grams_per_unit = mtsics_unit_grams(reply.unit);
      if (!grams_per_unit) {
        reading.status = WeightStatus::error;
        reading.reason = fmt::format("unit '{}' not supported", reply.unit);
        fault = true;
      } else {
        reading.grams = reply.value * *grams_per_unit;
        reading.stable = reply.status == MtSicsStatus::stable;
      }
      break;
    }
    case MtSicsStatus::overload:
      reading.status = WeightStatus::overload;
      reading.reason = reply.reason;
      break;
    case MtSicsStatus::underload:
      reading.status = WeightStatus::underload;
      reading.reason = reply.reason;
      break;
    default:
      // "S I": no weight available now (S: not stable within the scale's own timeout).
      publish_it = false;
      break;
  }
  if (answers_request || streaming_) {
    if (answers_request) in_flight_.reset();
    if (streaming_) arm_response_timer(); else response_timer_.cancel();
  }
  if (publish_it) {
    backoff_.reset();
    reading.at = std::chrono::steady_clock::now();
    if (!fault) report_connected();
    publish(reading, true);
    if (fault && conn_token_) report_fault(reading.reason);
  } else if (reply.status == MtSicsStatus::not_executable || reply.status == MtSicsStatus::bad_parameter) {
    report_connected();
  }
  if (conn_token_) send_next();
}

void MtSicsScale::on_command_reply(const MtSicsReply& reply) {
  if (!in_flight_) {
    spdlog::warn("device={} MT-SICS error without a request: {}", id(), reply.reason);
    return;
  }
  response_timer_.cancel();
  Request request = std::move(*in_flight_);
  in_flight_.reset();
  const bool generic_error = reply.command.empty();
  if (!request.handler) {
    // ES/ET/EL to a weight request: the scale cannot give weights as configured.
    report_fault(fmt::format("{} answered with {}", request.command, reply.reason));
  } else if (reply.status == MtSicsStatus::ack ||
             (request.command == "T" && reply.status == MtSicsStatus::stable)) {
    net_ = request.command == "T";
    report_connected();
    finish(std::move(request.handler), {});
  } else {
    std::string reason = reply.reason;
    if (reply.status == MtSicsStatus::dynamic) reason = "T D: dynamic tare value";
    if (!generic_error && reply.status == MtSicsStatus::overload)
      reason = fmt::format("{} +: upper limit of the {} range exceeded", request.command,
                           request.command == "Z" ? "zero" : "tare");
    if (!generic_error && reply.status == MtSicsStatus::underload)
      reason = fmt::format("{} -: lower limit of the {} range exceeded", request.command,
                           request.command == "Z" ? "zero" : "tare");
    finish(std::move(request.handler), core::fail(ScaleError::rejected, reason));
  }
  if (config_.mode == MtSicsConfig::Mode::sir && queue_.empty() && conn_token_) {
    streaming_ = true;
    write("SIR\r\n");
    arm_response_timer();
  }
  if (conn_token_) send_next();
}

void MtSicsScale::finish(CommandHandler handler, CommandResult result) {
  asio::post(loop_, [token = std::weak_ptr<int>(token_), handler = std::move(handler),
                     result = std::move(result)] {
    if (token.lock()) handler(result);
  });
}

void MtSicsScale::async_zero(CommandHandler handler) { command("Z", "zero", std::move(handler)); }

void MtSicsScale::async_tare(CommandHandler handler) { command("T", "tare", std::move(handler)); }

void MtSicsScale::command(std::string code, std::string_view what, CommandHandler handler) {
  if (!token_) return;
  if (queue_.size() >= kMaxQueued) {
    finish(std::move(handler), core::fail(ScaleError::busy, fmt::format("{}: too many commands queued", what)));
    return;
  }
  if (!is_open()) {
    finish(std::move(handler), core::fail(ScaleError::fault, fmt::format("{}: {}", what, health().reason)));
    return;
  }
  enqueue({std::move(code), std::move(handler)});
}

}  // namespace wedge::drivers::scale
