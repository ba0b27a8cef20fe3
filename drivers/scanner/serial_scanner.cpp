#include "drivers/scanner/serial_scanner.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>

#include <fmt/format.h>

#include "drivers/scanner/device_path.hpp"

namespace wedge::drivers::scanner {

namespace asio = boost::asio;
using drivers::HealthState;

namespace {
SerialConfig parsed(const drivers::Settings& settings, std::string& error) {
  SerialConfig config;
  error = parse_serial_config(settings, config);
  return config;
}
}  // namespace

SerialScanner::SerialScanner(asio::any_io_executor executor, std::string id,
                             const drivers::Settings& settings)
    : Scanner(std::move(id), {}),
      config_(parsed(settings, config_error_)),
      port_(executor),
      retry_timer_(executor),
      backoff_(config_.common.reconnect_initial, config_.common.reconnect_max),
      framed_(executor, config_.terminator, config_.common.max_length,
              config_.common.inter_char_timeout,
              [this](Frame frame) { deliver_frame(std::move(frame)); }) {
  set_scan_options(config_.common.scan);
}

SerialScanner::~SerialScanner() { stop(); }

void SerialScanner::start() {
  if (*alive_) return;
  if (!config_error_.empty()) {
    set_health(HealthState::faulted, config_error_);
    return;
  }
  alive_ = std::make_shared<bool>(true);
  set_active(true);
  try_open();
}

void SerialScanner::stop() {
  *alive_ = false;
  set_active(false);
  retry_timer_.cancel();
  framed_.cancel();
  boost::system::error_code ignored;
  port_.close(ignored);
  current_path_.clear();
}

void SerialScanner::try_open() {
  const auto path = resolve_device_path(config_.path);
  if (!path) {
    set_health(HealthState::disconnected, no_device_reason(config_.path));
    return schedule_retry();
  }
  boost::system::error_code ec;
  port_.open(*path, ec);
  if (ec) {
    // Absent or vanishing devices are a disconnect; anything else (EACCES: not in group dialout)
    // needs a person and is a fault. Both keep retrying.
    const bool absent = ec.value() == ENOENT || ec.value() == ENODEV || ec.value() == ENXIO ||
                        ec.value() == EIO;
    set_health(absent ? HealthState::disconnected : HealthState::faulted,
               fmt::format("cannot open {}: {}", *path, ec.message()));
    return schedule_retry();
  }
  current_path_ = *path;
  if (auto error = configure_port(); !error.empty()) return lose_device(HealthState::faulted, error);
  spdlog::info("device={} serial scanner open on {}", id(), current_path_);
  backoff_.reset();
  set_health(HealthState::connected);
  start_read();
}

std::string SerialScanner::configure_port() {
  using Base = asio::serial_port_base;
  boost::system::error_code ec;
  const auto failed = [&](std::string_view what) {
    return fmt::format("cannot set {} on {}: {}", what, current_path_, ec.message());
  };
  port_.set_option(Base::baud_rate(config_.baud), ec);
  if (ec) return failed(fmt::format("baud {}", config_.baud));
  const auto parity = config_.parity == "even"  ? Base::parity::even
                      : config_.parity == "odd" ? Base::parity::odd
                                                : Base::parity::none;
  port_.set_option(Base::parity(parity), ec);
  if (ec) return failed("parity " + config_.parity);
  port_.set_option(Base::character_size(config_.data_bits), ec);
  if (ec) return failed(fmt::format("data_bits {}", config_.data_bits));
  const auto stop_bits = config_.stop_bits == "2"     ? Base::stop_bits::two
                         : config_.stop_bits == "1.5" ? Base::stop_bits::onepointfive
                                                      : Base::stop_bits::one;
  port_.set_option(Base::stop_bits(stop_bits), ec);
  if (ec) return failed("stop_bits " + config_.stop_bits);
  const auto flow = config_.flow_control == "software"   ? Base::flow_control::software
                    : config_.flow_control == "hardware" ? Base::flow_control::hardware
                                                         : Base::flow_control::none;
  port_.set_option(Base::flow_control(flow), ec);
  if (ec) return failed("flow_control " + config_.flow_control);
  return {};
}

void SerialScanner::start_read() {
  port_.async_read_some(asio::buffer(buffer_),
                        [this, alive = alive_](const boost::system::error_code& ec,
                                               std::size_t bytes) {
                          if (!*alive) return;
                          on_read(ec, bytes);
                        });
}

void SerialScanner::on_read(const boost::system::error_code& ec, std::size_t bytes) {
  if (ec == asio::error::operation_aborted) return;
  // Data that arrived with the error still counts: deliver it before acting on the error.
  if (bytes > 0) framed_.on_bytes(std::string_view(buffer_.data(), bytes));
  if (!*alive_) return;  // a scan handler stopped us
  if (ec) {
    // A pty whose master closed and an unplugged USB-CDC device both end here (EIO / EOF).
    return lose_device(HealthState::disconnected,
                       fmt::format("read error on {}: {}", current_path_, ec.message()));
  }
  start_read();
}

void SerialScanner::lose_device(HealthState state, std::string reason) {
  spdlog::warn("device={} {}", id(), reason);
  framed_.end_of_stream();
  boost::system::error_code ignored;
  port_.close(ignored);
  current_path_.clear();
  if (!*alive_) return;
  set_health(state, std::move(reason));
  schedule_retry();
}

void SerialScanner::schedule_retry() {
  retry_timer_.expires_after(backoff_.next());
  retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec) return;
    try_open();
  });
}

}  // namespace wedge::drivers::scanner
