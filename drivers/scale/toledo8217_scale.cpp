#include "drivers/scale/toledo8217_scale.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "drivers/common/settings.hpp"
#include "drivers/scale/serial_line.hpp"

namespace wedge::drivers::scale {

namespace asio = boost::asio;

namespace {
constexpr double kGramsPerPound = 453.59237;
}

Toledo8217Config Toledo8217Config::from_settings(const Settings& settings) {
  Toledo8217Config config;
  config.path = settings.get_string_or("path", "");
  config.line = SerialLine::from_settings(settings);
  config.unit_grams = settings.get_string("unit") == "lb" ? kGramsPerPound : 1000.0;
  config.poll_interval = std::chrono::milliseconds(settings.get_int("poll_interval_ms"));
  config.response_timeout = std::chrono::milliseconds(settings.get_int("response_timeout_ms"));
  config.reconnect_max = std::chrono::milliseconds(settings.get_int("reconnect_max_ms"));
  return config;
}

Toledo8217Scale::Toledo8217Scale(asio::any_io_executor loop, std::string id,
                                 Toledo8217Config config)
    : Scale(loop, std::move(id), StabilityConfig{}),
      config_(std::move(config)),
      backoff_(std::chrono::milliseconds(100), config_.reconnect_max),
      reconnect_timer_(loop),
      poll_timer_(loop),
      response_timer_(loop) {}

Toledo8217Scale::~Toledo8217Scale() { stop(); }

void Toledo8217Scale::start() {
  if (token_) return;
  token_ = std::make_shared<int>(0);
  backoff_.reset();
  spdlog::info("device={} mt8217 scale on {}", id(), config_.path);
  open();
}

void Toledo8217Scale::stop() {
  if (!token_) return;
  token_.reset();
  reconnect_timer_.cancel();
  close_line();
  drop_waiters();
}

void Toledo8217Scale::close_line() {
  conn_token_.reset();
  poll_timer_.cancel();
  response_timer_.cancel();
  boost::system::error_code ignored;
  if (serial_) serial_->close(ignored);
  serial_.reset();
}

void Toledo8217Scale::async_zero(CommandHandler handler) {
  asio::post(loop_, [handler = std::move(handler)] {
    handler(core::fail(ScaleError::not_supported,
                       "the 8217 protocol does not acknowledge Z: zero at the scale"));
  });
}

void Toledo8217Scale::async_tare(CommandHandler handler) {
  asio::post(loop_, [handler = std::move(handler)] {
    handler(core::fail(ScaleError::not_supported,
                       "the 8217 protocol does not acknowledge T: tare at the scale"));
  });
}

void Toledo8217Scale::open() {
  conn_token_ = std::make_shared<int>(0);
  pending_.clear();
  awaiting_ = false;
  if (config_.path.empty()) {
    report_fault("no serial path configured");
    return;  // a config error: retrying cannot help
  }
  serial_.emplace(loop_);
  const auto ec = open_serial_line(*serial_, config_.path, config_.line);
  if (ec) return lose_connection(fmt::format("open {}: {}", config_.path, ec.message()));
  read_more();
  poll();
}

void Toledo8217Scale::lose_connection(std::string reason) {
  spdlog::warn("device={} {}", id(), reason);
  close_line();
  report_fault(std::move(reason));
  reconnect_timer_.expires_after(backoff_.next());
  reconnect_timer_.async_wait(
      [this, token = std::weak_ptr<int>(token_)](boost::system::error_code ec) {
        if (ec || !token.lock()) return;
        open();
      });
}

void Toledo8217Scale::read_more() {
  serial_->async_read_some(
      asio::buffer(read_buffer_),
      [this, token = std::weak_ptr<int>(conn_token_)](boost::system::error_code ec, std::size_t n) {
        if (!token.lock()) return;
        if (ec) return lose_connection(fmt::format("read {}: {}", config_.path, ec.message()));
        pending_.append(read_buffer_.data(), n);
        while (auto frame = take_toledo8217_frame(pending_)) {
          on_frame(*frame);
          if (!token.lock()) return;
        }
        read_more();
      });
}

void Toledo8217Scale::poll() {
  awaiting_ = true;
  // One byte, no terminator (8217 protocol).
  asio::async_write(
      *serial_, asio::buffer("W", 1),
      [this, token = std::weak_ptr<int>(conn_token_)](boost::system::error_code ec, std::size_t) {
        if (!token.lock()) return;
        if (ec) lose_connection(fmt::format("write {}: {}", config_.path, ec.message()));
      });
  response_timer_.expires_after(config_.response_timeout);
  response_timer_.async_wait([this, token = std::weak_ptr<int>(conn_token_)](
                                 boost::system::error_code ec) {
    if (ec || !token.lock() || !awaiting_) return;
    lose_connection(fmt::format("no reply to W within {} ms", config_.response_timeout.count()));
  });
}

void Toledo8217Scale::schedule_poll() {
  poll_timer_.expires_after(config_.poll_interval);
  poll_timer_.async_wait(
      [this, token = std::weak_ptr<int>(conn_token_)](boost::system::error_code ec) {
        if (ec || !token.lock()) return;
        poll();
      });
}

void Toledo8217Scale::on_frame(const std::string& frame) {
  if (!awaiting_) return;  // unsolicited: not an answer to our W
  awaiting_ = false;
  response_timer_.cancel();
  schedule_poll();
  const auto reply = parse_toledo8217_frame(frame);
  if (reply.kind == Toledo8217Kind::invalid) {
    report_fault(fmt::format("unreadable reply: {}", reply.reason));
    return;
  }
  backoff_.reset();
  report_connected();
  Reading reading;
  if (reply.kind == Toledo8217Kind::weight) {
    last_grams_ = reply.value * config_.unit_grams;
    reading.grams = last_grams_;
    reading.stable = true;
    reading.net = reply.net;
  } else {
    reading.grams = last_grams_;
    reading.net = reply.net;
    if (reply.over_capacity) {
      reading.status = WeightStatus::overload;
      reading.reason = reply.reason;
    } else if (reply.under_zero) {
      reading.status = WeightStatus::underload;
      reading.reason = reply.reason;
    } else if (!reply.motion) {
      reading.status = WeightStatus::error;
      reading.reason = reply.reason;
    }
  }
  publish(std::move(reading), true);
}

}  // namespace wedge::drivers::scale
