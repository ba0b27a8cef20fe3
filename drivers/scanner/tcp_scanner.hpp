// TcpScanner: a fixed-mount scanner over TCP, either as client (the reader listens, we connect: the
// usual case) or listening (scanners connect in).
//
// Contract: bytes are framed on the terminator (FramedInput); TCP has no message boundaries, so
// split and merged scans are expected. Health:
// - client: connected while the connection is up; disconnected with "cannot connect to H:P: …",
//   "connection to H:P lost: …" or "no data from H:P for N ms" (idle_timeout_ms); reconnects with
//   back-off by itself.
// - listen: disconnected "listening on A:P, no scanner connected" until a scanner connects, then
//   connected; a new connection replaces the current one (a rebooted reader's new connection wins
//   over its half-open old one); faulted "cannot listen on A:P: …" while the port cannot be bound
//   (retried with back-off).
// TCP keepalive (keepalive_s) finds dead peers; idle_timeout_ms finds silent ones.
// Loop thread only (see drivers::Device).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <memory>

#include "drivers/common/backoff.hpp"
#include "drivers/common/settings.hpp"
#include "drivers/scanner/framed_input.hpp"
#include "drivers/scanner/scanner.hpp"
#include "drivers/scanner/schema.hpp"

namespace wedge::drivers::scanner {

class TcpScanner : public Scanner {
 public:
  TcpScanner(boost::asio::any_io_executor executor, std::string id,
             const drivers::Settings& settings);
  ~TcpScanner() override;

  void start() override;
  void stop() override;

 private:
  struct Session;

  void connect();
  void on_connect(const std::shared_ptr<Session>& session, const boost::system::error_code& ec);
  void open_acceptor();
  void accept();
  void begin_session(std::shared_ptr<Session> session);
  void read(const std::shared_ptr<Session>& session);
  void arm_idle(const std::shared_ptr<Session>& session);
  void end_session(const std::shared_ptr<Session>& session, std::string reason);
  void close_session(Session& session);
  void schedule_retry();
  std::string listen_endpoint() const;
  std::string peer_endpoint() const;

  TcpScanner(boost::asio::any_io_executor executor, std::string id, const core::Result<TcpConfig>& parsed);

  std::string config_error_;  // "" when the settings parsed
  TcpConfig config_;
  boost::asio::any_io_executor executor_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer connect_timer_;
  drivers::Backoff backoff_;
  std::shared_ptr<Session> session_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(false);
};

}  // namespace wedge::drivers::scanner
