// ScannerEndpoint: the scanner's side of one station's link, played by the bench.
//
// - serial: a pty pair; the daemon's serial driver opens the slave (its path goes into the config),
//   the bench writes to the master.
// - tcp-client: the daemon's TCP driver in client mode dials the bench, which listens on a loopback
//   port it bound in prepare() (so the port cannot be taken in between).
// - tcp-listen: the daemon listens on a port chosen free in prepare(); the bench dials it from start()
//   on, retrying every 20 ms, and again after a drop.
// send() writes one scan in a single write and returns the CLOCK_MONOTONIC time read just before the
// write: the start of every latency the bench reports.
// Loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tools/station-bench/clock.hpp"
#include "tools/station-bench/scan_plan.hpp"

namespace wedge::station_bench {

class ScannerEndpoint {
 public:
  ScannerEndpoint(boost::asio::any_io_executor executor, std::string device_id, ScannerKind kind);
  ~ScannerEndpoint();
  ScannerEndpoint(const ScannerEndpoint&) = delete;
  ScannerEndpoint& operator=(const ScannerEndpoint&) = delete;

  // Creates the pty pair, or binds the listening socket / picks the daemon's port. "" or why not.
  [[nodiscard]] std::string prepare();
  // The daemon's device entry for this scanner (valid after prepare()).
  [[nodiscard]] std::string device_yaml() const;
  // TCP: starts accepting (client mode) or dialling (listen mode). Serial: nothing to do.
  void start();
  // A TCP connection is up (serial: the pty pair exists).
  bool link_up() const;
  // Writes `bytes` at once. The monotonic time just before the write, or nullopt when the link is
  // down or the write failed or was short.
  [[nodiscard]] std::optional<std::int64_t> send(std::string_view bytes);
  void close();

  ScannerKind kind() const { return kind_; }
  const std::string& device_id() const { return device_id_; }
  // TCP: the port the daemon dials (client mode) or listens on (listen mode); valid after prepare().
  int port() const { return port_; }
  std::int64_t reconnects() const { return reconnects_; }

 private:
  void accept_next();
  void dial();
  void watch_peer();
  void link_lost();

  boost::asio::any_io_executor executor_;
  std::string device_id_;
  ScannerKind kind_;
  int master_fd_ = -1;
  int slave_fd_ = -1;  // kept open so the master never sees a hang-up between daemon reopenings
  std::string slave_path_;
  int port_ = 0;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::unique_ptr<boost::asio::ip::tcp::socket> socket_;
  boost::asio::steady_timer retry_timer_;
  std::array<char, 256> discard_{};
  std::int64_t reconnects_ = -1;  // connections after the first
  bool closed_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wedge::station_bench
