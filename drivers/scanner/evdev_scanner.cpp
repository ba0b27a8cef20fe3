#include "drivers/scanner/evdev_scanner.hpp"

#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>


namespace wedge::drivers::scanner {

namespace asio = boost::asio;
using drivers::HealthState;

namespace {
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
    : EvdevScanner(executor, std::move(id), parse_evdev_config(settings)) {}

EvdevScanner::EvdevScanner(asio::any_io_executor executor, std::string id,
                           const core::Result<EvdevConfig>& parsed)
    : DeviceNodeScanner(executor, std::move(id), parsed),
      config_(config_or_defaults(parsed)),
      device_(executor),
      char_timer_(executor),
      decoder_(decoder_options(config_)) {}

EvdevScanner::~EvdevScanner() { stop(); }

core::Status EvdevScanner::open_device(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return open_failure(path, error, std::strerror(error));
  }
  if (config_.grab && ::ioctl(fd, EVIOCGRAB, 1) != 0) {
    // EBUSY: another process (a desktop, a second wedge) holds it; ENOTTY/EINVAL: not an evdev
    // node. Either way scans could leak to the desktop, so the device is not used.
    const int error = errno;
    ::close(fd);
    return core::fail(core::Errc::failed_precondition,
                      fmt::format("cannot grab {} (EVIOCGRAB): {}", path, std::strerror(error)));
  }
  boost::system::error_code ec;
  device_.assign(fd, ec);
  if (ec) {
    ::close(fd);
    return core::fail(core::Errc::failed_precondition, fmt::format("cannot watch {}: {}", path, ec.message()));
  }
  decoder_.reset();
  pending_.clear();
  return {};
}

std::string EvdevScanner::open_message() const {
  return fmt::format("evdev scanner open on {}{}", current_path(), config_.grab ? " (grabbed)" : "");
}

void EvdevScanner::start_read() {
  device_.async_read_some(asio::buffer(buffer_), while_alive([this](const boost::system::error_code& ec,
                                                         std::size_t bytes) { on_read(ec, bytes); }));
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
      if (!*alive()) return;  // a scan handler stopped us
    }
  }
  pending_.erase(0, offset);
  if (bytes > 0) arm_timer();
  if (ec) {
    const auto reason = ec == asio::error::eof
                            ? fmt::format("end of stream from {}", current_path())
                            : fmt::format("device {} gone: {}", current_path(), ec.message());
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
  char_timer_.async_wait([this, alive = alive(),
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

void EvdevScanner::end_of_stream() {
  ++char_timer_seq_;
  char_timer_.cancel();
  if (auto frame = decoder_.flush()) {
    if (frame->reject_reason.empty()) frame->reject_reason = "incomplete scan at disconnect";
    on_frame(std::move(*frame));
  }
}

void EvdevScanner::close_device() {
  ++char_timer_seq_;
  char_timer_.cancel();
  decoder_.reset();
  pending_.clear();
  boost::system::error_code ignored;
  device_.close(ignored);  // closing also releases the grab
}

}  // namespace wedge::drivers::scanner
