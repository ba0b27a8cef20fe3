#include "drivers/printer/device_file_transport.hpp"

#include <boost/asio/post.hpp>

#include <fcntl.h>
#include <glob.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace wedge::drivers {

namespace asio = boost::asio;

DeviceFileTransport::DeviceFileTransport(asio::any_io_executor loop, std::string path_pattern)
    : ZplStreamTransport(loop), loop_(loop), pattern_(std::move(path_pattern)) {}

std::string DeviceFileTransport::describe() const {
  return opened_path_.empty() ? pattern_ : opened_path_;
}

std::string DeviceFileTransport::open_now() {
  close();
  opened_path_.clear();
  std::string path = pattern_;
  if (pattern_.find_first_of("*?[") != std::string::npos) {
    glob_t matches{};
    const int rc = ::glob(pattern_.c_str(), 0, nullptr, &matches);
    if (rc != 0 || matches.gl_pathc == 0) {
      ::globfree(&matches);
      return fmt::format("no device matches {}", pattern_);
    }
    path = matches.gl_pathv[0];  // glob() sorts its results
    ::globfree(&matches);
  }
  readable_ = true;
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && (errno == EACCES || errno == EPERM)) {
    readable_ = false;
    fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  }
  if (fd < 0) return fmt::format("open {}: {}", path, std::strerror(errno));
  if (::isatty(fd) == 1) {
    termios tio{};
    if (::tcgetattr(fd, &tio) == 0) {
      ::cfmakeraw(&tio);
      ::tcsetattr(fd, TCSANOW, &tio);
    }
  }
  boost::system::error_code ec;
  stream_.assign(fd, ec);
  if (ec) {
    // Regular files cannot be watched by epoll; only character devices and ptys are supported.
    ::close(fd);
    return fmt::format("open {}: {}", path, ec.message());
  }
  opened_path_ = path;
  return {};
}

void DeviceFileTransport::async_open(OpenHandler handler) {
  // open() on a device node does not block (O_NONBLOCK), so the result is known now; it is still
  // delivered through the loop so that callers see the same ordering as with TCP.
  auto result = open_now();
  auto self = shared_from_this();
  asio::post(loop_, [self, handler = std::move(handler), result = std::move(result)]() mutable {
    handler(std::move(result));
  });
}

void DeviceFileTransport::close() {
  boost::system::error_code ignored;
  stream_.close(ignored);
}

}  // namespace wedge::drivers
