// ZplTransport over a TCP connection (raw port 9100, no framing). See zpl_transport.hpp.
// Threading: loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>

#include "drivers/printer/zpl_transport.hpp"

namespace wedge::drivers {

class TcpTransport final : public ZplStreamTransport<boost::asio::ip::tcp::socket> {
 public:
  TcpTransport(boost::asio::any_io_executor loop, std::string host, std::uint16_t port,
               std::chrono::milliseconds connect_timeout);

  void async_open(OpenHandler handler) override;
  void close() override;
  bool can_read() const override { return true; }
  bool eof_is_disconnect() const override { return true; }
  std::string describe() const override;

 private:
  void finish_open(std::string error);

  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds connect_timeout_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer connect_timer_;
  OpenHandler open_handler_;
  bool timed_out_ = false;
};

}  // namespace wedge::drivers
