#include "tools/station-bench/scanner_endpoint.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace wedge::station_bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
const auto kLoopback = asio::ip::make_address_v4("127.0.0.1");
constexpr auto kDialRetry = std::chrono::milliseconds(20);

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }
}  // namespace

ScannerEndpoint::ScannerEndpoint(asio::any_io_executor executor, std::string device_id, ScannerKind kind)
    : executor_(std::move(executor)), device_id_(std::move(device_id)), kind_(kind), retry_timer_(executor_) {}

ScannerEndpoint::~ScannerEndpoint() {
  *alive_ = false;
  close();
}

std::string ScannerEndpoint::prepare() {
  if (kind_ == ScannerKind::serial) {
    master_fd_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_fd_ < 0) return errno_text("posix_openpt");
    if (::grantpt(master_fd_) != 0 || ::unlockpt(master_fd_) != 0) return errno_text("grantpt/unlockpt");
    std::array<char, 128> name{};
    if (::ptsname_r(master_fd_, name.data(), name.size()) != 0) return errno_text("ptsname_r");
    slave_path_ = name.data();
    slave_fd_ = ::open(slave_path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave_fd_ < 0) return errno_text(("open " + slave_path_).c_str());
    // Raw from the start: no echo back into the master, no line discipline between scan and driver.
    termios tio{};
    if (::tcgetattr(slave_fd_, &tio) != 0) return errno_text("tcgetattr");
    ::cfmakeraw(&tio);
    if (::tcsetattr(slave_fd_, TCSANOW, &tio) != 0) return errno_text("tcsetattr");
    // A full pty buffer must show up as a failed send, never as a bench that blocks.
    const int flags = ::fcntl(master_fd_, F_GETFL);
    if (flags < 0 || ::fcntl(master_fd_, F_SETFL, flags | O_NONBLOCK) != 0) return errno_text("fcntl");
    return {};
  }
  boost::system::error_code ec;
  if (kind_ == ScannerKind::tcp_client) {
    acceptor_ = std::make_unique<tcp::acceptor>(executor_);
    acceptor_->open(tcp::v4(), ec);
    if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_->bind(tcp::endpoint(kLoopback, 0), ec);
    if (!ec) acceptor_->listen(4, ec);
    if (ec) return "listen on 127.0.0.1: " + ec.message();
    port_ = acceptor_->local_endpoint().port();
    return {};
  }
  // Listen mode: the daemon binds the port. It was free a moment ago (bound to 0, then released).
  tcp::acceptor probe(executor_);
  probe.open(tcp::v4(), ec);
  if (!ec) probe.bind(tcp::endpoint(kLoopback, 0), ec);
  if (ec) return "find a free port: " + ec.message();
  port_ = probe.local_endpoint().port();
  return {};
}

std::string ScannerEndpoint::device_yaml() const {
  std::string y = fmt::format("  - id: {}\n    kind: scanner\n", device_id_);
  switch (kind_) {
    case ScannerKind::serial:
      y += fmt::format("    driver: serial\n    path: {}\n    baud: 115200\n", slave_path_);
      break;
    case ScannerKind::tcp_client:
      y += fmt::format("    driver: tcp\n    mode: client\n    host: 127.0.0.1\n    port: {}\n", port_);
      break;
    case ScannerKind::tcp_listen:
      y += fmt::format("    driver: tcp\n    mode: listen\n    bind_address: 127.0.0.1\n    port: {}\n", port_);
      break;
  }
  y += "    terminator: cr\n    reconnect_initial_ms: 50\n    reconnect_max_ms: 500\n";
  return y;
}

void ScannerEndpoint::start() {
  if (kind_ == ScannerKind::tcp_client) accept_next();
  if (kind_ == ScannerKind::tcp_listen) dial();
}

bool ScannerEndpoint::link_up() const {
  if (kind_ == ScannerKind::serial) return master_fd_ >= 0;
  return socket_ && socket_->is_open();
}

std::optional<std::int64_t> ScannerEndpoint::send(std::string_view bytes) {
  if (kind_ == ScannerKind::serial) {
    if (master_fd_ < 0) return std::nullopt;
    const std::int64_t t = mono_ns();
    const ssize_t n = ::write(master_fd_, bytes.data(), bytes.size());
    if (n != static_cast<ssize_t>(bytes.size())) return std::nullopt;
    return t;
  }
  if (!link_up()) return std::nullopt;
  boost::system::error_code ec;
  const std::int64_t t = mono_ns();
  const auto n = asio::write(*socket_, asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec || n != bytes.size()) return std::nullopt;
  return t;
}

void ScannerEndpoint::accept_next() {
  if (closed_ || !acceptor_) return;
  std::weak_ptr<bool> alive = alive_;
  acceptor_->async_accept([this, alive](const boost::system::error_code& ec, tcp::socket socket) {
    if (alive.expired() || closed_ || ec == asio::error::operation_aborted) return;
    if (!ec) {
      // The driver's newest connection is the one it reads (a reconnect replaces the old one).
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (socket_) socket_->close(ignored);
      socket_ = std::make_unique<tcp::socket>(std::move(socket));
      ++reconnects_;
      watch_peer();
    }
    accept_next();
  });
}

void ScannerEndpoint::dial() {
  if (closed_) return;
  socket_ = std::make_unique<tcp::socket>(executor_);
  std::weak_ptr<bool> alive = alive_;
  socket_->async_connect(tcp::endpoint(kLoopback, static_cast<unsigned short>(port_)),
                         [this, alive](const boost::system::error_code& ec) {
                           if (alive.expired() || closed_ || ec == asio::error::operation_aborted) return;
                           if (ec) {
                             // Not listening yet (daemon starting) or refused: try again shortly.
                             socket_.reset();
                             retry_timer_.expires_after(kDialRetry);
                             retry_timer_.async_wait([this, alive](const boost::system::error_code& wait_ec) {
                               if (!alive.expired() && !wait_ec) dial();
                             });
                             return;
                           }
                           boost::system::error_code ignored;
                           socket_->set_option(tcp::no_delay(true), ignored);
                           ++reconnects_;
                           watch_peer();
                         });
}

void ScannerEndpoint::watch_peer() {
  // The daemon never sends to a scanner: any read completion is a close or an error.
  auto* watched = socket_.get();
  std::weak_ptr<bool> alive = alive_;
  socket_->async_read_some(asio::buffer(discard_), [this, alive, watched](const boost::system::error_code& ec,
                                                                          std::size_t) {
    if (alive.expired() || closed_ || socket_.get() != watched) return;
    if (!ec) return watch_peer();
    link_lost();
  });
}

void ScannerEndpoint::link_lost() {
  boost::system::error_code ignored;
  if (socket_) socket_->close(ignored);
  socket_.reset();
  if (kind_ == ScannerKind::tcp_listen) dial();
}

void ScannerEndpoint::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  retry_timer_.cancel();
  if (socket_) socket_->close(ignored);
  if (acceptor_) acceptor_->close(ignored);
  if (master_fd_ >= 0) ::close(master_fd_);
  if (slave_fd_ >= 0) ::close(slave_fd_);
  master_fd_ = slave_fd_ = -1;
}

}  // namespace wedge::station_bench
