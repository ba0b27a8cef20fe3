#include "drivers/printer/tcp_transport.hpp"

#include <boost/asio/connect.hpp>

#include <fmt/format.h>

namespace wedge::drivers {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

TcpTransport::TcpTransport(asio::any_io_executor loop, std::string host, std::uint16_t port,
                           std::chrono::milliseconds connect_timeout)
    : ZplStreamTransport(loop),
      host_(std::move(host)),
      port_(port),
      connect_timeout_(connect_timeout),
      resolver_(loop),
      connect_timer_(loop) {}

std::string TcpTransport::describe() const { return fmt::format("{}:{}", host_, port_); }

void TcpTransport::async_open(OpenHandler handler) {
  boost::system::error_code ignored;
  stream_.close(ignored);
  open_handler_ = std::move(handler);
  timed_out_ = false;
  auto self = shared_from_this();
  connect_timer_.expires_after(connect_timeout_);
  connect_timer_.async_wait([this, self](boost::system::error_code ec) {
    if (ec || !open_handler_) return;
    // Resolution or connection hangs (a black-holed address): give up and let the owner retry.
    timed_out_ = true;
    resolver_.cancel();
    boost::system::error_code ignored_ec;
    stream_.close(ignored_ec);
  });
  resolver_.async_resolve(
      host_, std::to_string(port_),
      [this, self](boost::system::error_code ec, tcp::resolver::results_type results) {
        if (!open_handler_) return;
        if (ec) {
          finish_open(timed_out_ ? fmt::format("connect {}: timed out after {} ms", describe(),
                                               connect_timeout_.count())
                                 : fmt::format("resolve {}: {}", host_, ec.message()));
          return;
        }
        asio::async_connect(stream_, results,
                            [this, self](boost::system::error_code cec, const tcp::endpoint&) {
                              if (!open_handler_) return;
                              if (timed_out_) {
                                finish_open(fmt::format("connect {}: timed out after {} ms",
                                                        describe(), connect_timeout_.count()));
                              } else if (cec) {
                                finish_open(fmt::format("connect {}: {}", describe(),
                                                        cec.message()));
                              } else {
                                boost::system::error_code opt_ec;
                                stream_.set_option(tcp::no_delay(true), opt_ec);
                                finish_open({});
                              }
                            });
      });
}

void TcpTransport::finish_open(std::string error) {
  connect_timer_.cancel();
  auto handler = std::move(open_handler_);
  open_handler_ = nullptr;
  if (handler) handler(std::move(error));
}

void TcpTransport::close() {
  resolver_.cancel();
  connect_timer_.cancel();
  boost::system::error_code ignored;
  stream_.shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close(ignored);
  if (open_handler_) {
    // An open in progress is abandoned: its completion is swallowed (open_handler_ cleared) and
    // the owner, which asked for the close, does not expect it.
    open_handler_ = nullptr;
  }
}

}  // namespace wedge::drivers
