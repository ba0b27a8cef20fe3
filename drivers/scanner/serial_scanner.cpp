#include "drivers/scanner/serial_scanner.hpp"

#include <cerrno>

#include <fmt/format.h>

namespace wedge::drivers::scanner {

namespace asio = boost::asio;
using drivers::HealthState;

SerialScanner::SerialScanner(asio::any_io_executor executor, std::string id,
                             const drivers::Settings& settings)
    : SerialScanner(executor, std::move(id), parse_serial_config(settings)) {}

SerialScanner::SerialScanner(asio::any_io_executor executor, std::string id,
                             const core::Result<SerialConfig>& parsed)
    : DeviceNodeScanner(executor, std::move(id), parsed),
      config_(config_or_defaults(parsed)),
      port_(executor),
      framed_(executor, config_.terminator, config_.common.max_length,
              config_.common.inter_char_timeout,
              [this](Frame frame) { deliver_frame(std::move(frame)); }) {}

SerialScanner::~SerialScanner() { stop(); }

core::Status SerialScanner::open_device(const std::string& path) {
  boost::system::error_code ec;
  port_.open(path, ec);
  if (!ec) return {};
  // A USB-CDC device vanishing while it opens says EIO: absent too.
  return open_failure(path, ec.value(), ec.message(), {EIO});
}

std::string SerialScanner::open_message() const {
  return fmt::format("serial scanner open on {}", current_path());
}

void SerialScanner::close_device() {
  framed_.cancel();
  boost::system::error_code ignored;
  port_.close(ignored);
}

core::Status SerialScanner::set_up_device() {
  using Base = asio::serial_port_base;
  boost::system::error_code ec;
  const auto failed = [&](std::string_view what) {
    return core::fail(core::Errc::failed_precondition,
                      fmt::format("cannot set {} on {}: {}", what, current_path(), ec.message()));
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
  port_.async_read_some(asio::buffer(buffer_), while_alive([this](const boost::system::error_code& ec,
                                                       std::size_t bytes) { on_read(ec, bytes); }));
}

void SerialScanner::on_read(const boost::system::error_code& ec, std::size_t bytes) {
  if (ec == asio::error::operation_aborted) return;
  // Data that arrived with the error still counts: deliver it before acting on the error.
  if (bytes > 0) framed_.on_bytes(std::string_view(buffer_.data(), bytes));
  if (!*alive()) return;  // a scan handler stopped us
  if (ec) {
    // A pty whose master closed and an unplugged USB-CDC device both end here (EIO / EOF).
    return lose_device(HealthState::disconnected,
                       fmt::format("read error on {}: {}", current_path(), ec.message()));
  }
  start_read();
}

}  // namespace wedge::drivers::scanner
