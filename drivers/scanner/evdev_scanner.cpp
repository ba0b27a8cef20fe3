#include "drivers/scanner/evdev_scanner.hpp"

#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "drivers/scanner/device_path.hpp"

namespace wedge::drivers::scanner {

namespace asio = boost::asio;
using drivers::HealthState;

namespace {
EvdevConfig parsed(const drivers::Settings& settings, std::string& error) {
  EvdevConfig config;
  error = parse_evdev_config(settings, config);
  return config;
}

KeyDecoderOptions decoder_options(const EvdevConfig& config) {
  KeyDecoderOptions options;
  options.layout = find_layout(config.layout);
  options.max_length = config.common.max_length;
  options.gs_byte = config.gs_byte;
  options.end_on_tab = config.end_on_tab;
  return options;
}
}  // namespace

EvdevScanner::EvdevScanner(asio::any_io_executor executor, std::string id,
                           const drivers::Settings& settings)
    : Scanner(std::move(id)),
      config_(parsed(settings, config_error_)),
      device_(executor),
      retry_timer_(executor),
      char_timer_(executor),
      backoff_(config_.common.reconnect_initial, config_.common.reconnect_max),
      decoder_(decoder_options(config_)) {
  set_scan_options(config_.common.scan);
}

EvdevScanner::~EvdevScanner() { stop(); }

void EvdevScanner::start() {
  if (*alive_) return;
  if (!config_error_.empty()) {
    set_health(HealthState::faulted, config_error_);
    return;
  }
  alive_ = std::make_shared<bool>(true);
  set_active(true);
  try_open();
}

void EvdevScanner::stop() {
  *alive_ = false;
  set_active(false);
  retry_timer_.cancel();
  char_timer_.cancel();
  decoder_.reset();
  pending_.clear();
  boost::system::error_code ignored;
  device_.close(ignored);  // closing also releases the grab
  current_path_.clear();
}

void EvdevScanner::try_open() {
  const auto path = resolve_device_path(config_.path);
  if (!path) {
    set_health(HealthState::disconnected, no_device_reason(config_.path));
    return schedule_retry();
  }
  const int fd = ::open(path->c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    const bool absent = error == ENOENT || error == ENODEV || error == ENXIO;
    set_health(absent ? HealthState::disconnected : HealthState::faulted,
               fmt::format("cannot open {}: {}", *path, std::strerror(error)));
    return schedule_retry();
  }
  if (config_.grab && ::ioctl(fd, EVIOCGRAB, 1) != 0) {
    // EBUSY: another process (a desktop, a second wedge) holds it; ENOTTY/EINVAL: not an evdev
    // node. Either way scans could leak to the desktop, so the device is not used.
    const int error = errno;
    ::close(fd);
    set_health(HealthState::faulted,
               fmt::format("cannot grab {} (EVIOCGRAB): {}", *path, std::strerror(error)));
    return schedule_retry();
  }
  boost::system::error_code ec;
  device_.assign(fd, ec);
  if (ec) {
    ::close(fd);
    set_health(HealthState::faulted, fmt::format("cannot watch {}: {}", *path, ec.message()));
    return schedule_retry();
  }
  current_path_ = *path;
  decoder_.reset();
  pending_.clear();
  spdlog::info("device={} evdev scanner open on {}{}", id(), current_path_,
               config_.grab ? " (grabbed)" : "");
  backoff_.reset();
  set_health(HealthState::connected);
  start_read();
}

void EvdevScanner::start_read() {
  device_.async_read_some(asio::buffer(buffer_),
                          [this, alive = alive_](const boost::system::error_code& ec,
                                                 std::size_t bytes) {
                            if (!*alive) return;
                            on_read(ec, bytes);
                          });
}

void EvdevScanner::on_read(const boost::system::error_code& ec, std::size_t bytes) {
  if (ec == asio::error::operation_aborted) return;
  // A pipe may split a record; an evdev node never does. Reassemble either way.
  pending_.append(buffer_.data(), bytes);
  std::size_t offset = 0;
  for (; offset + sizeof(input_event) <= pending_.size(); offset += sizeof(input_event)) {
    input_event event{};
    std::memcpy(&event, pending_.data() + offset, sizeof event);
    if (auto frame = decoder_.feed(event)) {
      on_frame(std::move(*frame));
      if (!*alive_) return;  // a scan handler stopped us
    }
  }
  pending_.erase(0, offset);
  if (bytes > 0) arm_timer();
  if (ec) {
    const auto reason = ec == asio::error::eof
                            ? fmt::format("end of stream from {}", current_path_)
                            : fmt::format("device {} gone: {}", current_path_, ec.message());
    return lose_device(HealthState::disconnected, reason);
  }
  start_read();
}

void EvdevScanner::on_frame(Frame frame) { deliver_frame(std::move(frame)); }

void EvdevScanner::arm_timer() {
  ++char_timer_seq_;
  if (!decoder_.has_partial() || config_.common.inter_char_timeout.count() == 0) {
    char_timer_.cancel();
    return;
  }
  char_timer_.expires_after(config_.common.inter_char_timeout);
  char_timer_.async_wait([this, alive = alive_,
                          seq = char_timer_seq_](const boost::system::error_code& ec) {
    if (!*alive || ec || seq != char_timer_seq_) return;
    auto frame = decoder_.flush();
    if (!frame) return;
    if (frame->reject_reason.empty())
      frame->reject_reason = fmt::format("no Enter within {} ms",
                                         config_.common.inter_char_timeout.count());
    on_frame(std::move(*frame));
  });
}

void EvdevScanner::lose_device(HealthState state, std::string reason) {
  spdlog::warn("device={} {}", id(), reason);
  ++char_timer_seq_;
  char_timer_.cancel();
  if (auto frame = decoder_.flush()) {
    if (frame->reject_reason.empty()) frame->reject_reason = "incomplete scan at disconnect";
    on_frame(std::move(*frame));
  }
  decoder_.reset();
  pending_.clear();
  boost::system::error_code ignored;
  device_.close(ignored);
  current_path_.clear();
  if (!*alive_) return;
  set_health(state, std::move(reason));
  schedule_retry();
}

void EvdevScanner::schedule_retry() {
  retry_timer_.expires_after(backoff_.next());
  retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec) return;
    try_open();
  });
}

}  // namespace wedge::drivers::scanner
