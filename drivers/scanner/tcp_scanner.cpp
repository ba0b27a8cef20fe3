#include "drivers/scanner/tcp_scanner.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>

#include <algorithm>

#include <spdlog/spdlog.h>

#include <fmt/format.h>

namespace wedge::drivers::scanner {

namespace asio = boost::asio;
using asio::ip::tcp;
using drivers::HealthState;

struct TcpScanner::Session {
  Session(asio::any_io_executor executor, const TcpConfig& config, FramedInput::FrameHandler handler)
      : socket(executor),
        idle_timer(executor),
        framed(executor, config.terminator, config.common.max_length,
               config.common.inter_char_timeout, std::move(handler)) {}

  tcp::socket socket;
  asio::steady_timer idle_timer;
  FramedInput framed;
  std::array<char, 4096> buffer{};
  std::string peer;
  bool open = true;
};

namespace {
void set_keepalive(tcp::socket& socket, int idle_s) {
  if (idle_s <= 0) return;
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::keep_alive(true), ignored);
  // Probe after idle_s, then every idle_s/3 (at least 1 s), give up after 3 unanswered probes.
  const int interval_s = std::max(1, idle_s / 3);
  const int count = 3;
  const int fd = socket.native_handle();
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval_s, sizeof interval_s);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}
}  // namespace

TcpScanner::TcpScanner(asio::any_io_executor executor, std::string id,
                       const drivers::Settings& settings)
    : TcpScanner(executor, std::move(id), parse_tcp_config(settings)) {}

TcpScanner::TcpScanner(asio::any_io_executor executor, std::string id, const core::Result<TcpConfig>& parsed)
    : Scanner(std::move(id)),
      config_error_(parsed.reason()),
      config_(config_or_defaults(parsed)),
      executor_(executor),
      resolver_(executor),
      acceptor_(executor),
      retry_timer_(executor),
      connect_timer_(executor),
      backoff_(config_.common.reconnect_initial, config_.common.reconnect_max) {
  set_scan_options(config_.common.scan);
}

TcpScanner::~TcpScanner() { stop(); }

std::string TcpScanner::listen_endpoint() const {
  return fmt::format("{}:{}", config_.bind_address, config_.port);
}

std::string TcpScanner::peer_endpoint() const {
  return fmt::format("{}:{}", config_.host, config_.port);
}

void TcpScanner::start() {
  if (!begin_start(config_error_, alive_)) return;
  if (config_.listen) open_acceptor(); else connect();
}

void TcpScanner::stop() {
  *alive_ = false;
  set_active(false);
  retry_timer_.cancel();
  connect_timer_.cancel();
  resolver_.cancel();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  if (session_) {
    session_->framed.cancel();
    close_session(*session_);
    session_.reset();
  }
}

void TcpScanner::schedule_retry() {
  retry_timer_.expires_after(backoff_.next());
  retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec) return;
    if (config_.listen) open_acceptor(); else connect();
  });
}

// ---- client mode ------------------------------------------------------------------------------

void TcpScanner::connect() {
  auto session = std::make_shared<Session>(executor_, config_,
                                           [this](Frame frame) { deliver_frame(std::move(frame)); });
  session_ = session;
  resolver_.async_resolve(
      config_.host, std::to_string(config_.port),
      [this, alive = alive_, session](const boost::system::error_code& ec,
                                      const tcp::resolver::results_type& results) {
        if (!*alive || session != session_) return;
        if (ec) return on_connect(session, ec);
        connect_timer_.expires_after(config_.connect_timeout);
        connect_timer_.async_wait([session](const boost::system::error_code& timer_ec) {
          if (timer_ec) return;
          boost::system::error_code ignored;
          session->socket.close(ignored);  // completes the connect with operation_aborted
        });
        asio::async_connect(session->socket, results,
                            [this, alive, session](const boost::system::error_code& connect_ec,
                                                   const tcp::endpoint&) {
                              if (!*alive || session != session_) return;
                              connect_timer_.cancel();
                              on_connect(session, connect_ec);
                            });
      });
}

void TcpScanner::on_connect(const std::shared_ptr<Session>& session,
                            const boost::system::error_code& ec) {
  if (ec) {
    const auto reason = ec == asio::error::operation_aborted
                            ? fmt::format("cannot connect to {}: timed out after {} ms",
                                          peer_endpoint(), config_.connect_timeout.count())
                            : fmt::format("cannot connect to {}: {}", peer_endpoint(), ec.message());
    session_.reset();
    set_health(HealthState::disconnected, reason);
    return schedule_retry();
  }
  session->peer = peer_endpoint();
  begin_session(session);
}

// ---- listen mode ------------------------------------------------------------------------------

void TcpScanner::open_acceptor() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(config_.bind_address, ec);
  if (ec) {
    set_health(HealthState::faulted,
               fmt::format("bad bind_address {}: {}", config_.bind_address, ec.message()));
    return;  // a config error: retrying cannot help
  }
  const tcp::endpoint endpoint(address, config_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    set_health(HealthState::faulted,
               fmt::format("cannot listen on {}: {}", listen_endpoint(), ec.message()));
    return schedule_retry();
  }
  backoff_.reset();
  spdlog::info("device={} listening for scanners on {}", id(), listen_endpoint());
  set_health(HealthState::disconnected,
             fmt::format("listening on {}, no scanner connected", listen_endpoint()));
  accept();
}

void TcpScanner::accept() {
  auto session = std::make_shared<Session>(executor_, config_,
                                           [this](Frame frame) { deliver_frame(std::move(frame)); });
  acceptor_.async_accept(session->socket, [this, alive = alive_,
                                           session](const boost::system::error_code& ec) {
    if (!*alive) return;
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      spdlog::warn("device={} accept on {} failed: {}", id(), listen_endpoint(), ec.message());
      return accept();
    }
    boost::system::error_code peer_ec;
    const auto remote = session->socket.remote_endpoint(peer_ec);
    session->peer = peer_ec ? "?" : fmt::format("{}:{}", remote.address().to_string(), remote.port());
    if (session_) {
      spdlog::info("device={} scanner {} replaces {}", id(), session->peer, session_->peer);
      session_->framed.end_of_stream();
      close_session(*session_);
    }
    begin_session(session);
    accept();
  });
}

// ---- both modes -------------------------------------------------------------------------------

void TcpScanner::begin_session(std::shared_ptr<Session> session) {
  session_ = session;
  boost::system::error_code ignored;
  session->socket.set_option(tcp::no_delay(true), ignored);
  set_keepalive(session->socket, config_.keepalive_s);
  backoff_.reset();
  spdlog::info("device={} scanner connected: {}", id(), session->peer);
  set_health(HealthState::connected);
  arm_idle(session);
  read(session);
}

void TcpScanner::read(const std::shared_ptr<Session>& session) {
  session->socket.async_read_some(
      asio::buffer(session->buffer),
      [this, alive = alive_, session](const boost::system::error_code& ec, std::size_t bytes) {
        if (!*alive || !session->open) return;
        if (bytes > 0) {
          session->framed.on_bytes(std::string_view(session->buffer.data(), bytes));
          if (!*alive || !session->open) return;  // a scan handler stopped us
          arm_idle(session);
        }
        if (ec) {
          const auto reason = ec == asio::error::eof ? std::string("closed by peer") : ec.message();
          return end_session(session, config_.listen
                                          ? fmt::format("scanner {} disconnected ({})",
                                                        session->peer, reason)
                                          : fmt::format("connection to {} lost: {}",
                                                        session->peer, reason));
        }
        read(session);
      });
}

void TcpScanner::arm_idle(const std::shared_ptr<Session>& session) {
  if (config_.idle_timeout.count() == 0) return;
  session->idle_timer.expires_after(config_.idle_timeout);
  session->idle_timer.async_wait([this, alive = alive_,
                                  session](const boost::system::error_code& ec) {
    if (!*alive || ec || !session->open) return;
    end_session(session, config_.listen ? fmt::format("scanner {} silent for {} ms", session->peer,
                                                      config_.idle_timeout.count())
                                        : fmt::format("no data from {} for {} ms", session->peer,
                                                      config_.idle_timeout.count()));
  });
}

void TcpScanner::close_session(Session& session) {
  session.open = false;
  session.idle_timer.cancel();
  boost::system::error_code ignored;
  session.socket.shutdown(tcp::socket::shutdown_both, ignored);
  session.socket.close(ignored);
}

void TcpScanner::end_session(const std::shared_ptr<Session>& session, std::string reason) {
  spdlog::warn("device={} {}", id(), reason);
  session->framed.end_of_stream();
  close_session(*session);
  if (!*alive_ || session != session_) return;
  session_.reset();
  if (config_.listen) {
    set_health(HealthState::disconnected,
               fmt::format("{}; listening on {}", reason, listen_endpoint()));
  } else {
    set_health(HealthState::disconnected, std::move(reason));
    schedule_retry();
  }
}

}  // namespace wedge::drivers::scanner
