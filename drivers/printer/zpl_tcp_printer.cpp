#include "drivers/printer/zpl_tcp_printer.hpp"

#include "drivers/printer/tcp_transport.hpp"

namespace wedge::drivers {
namespace {

using std::chrono::milliseconds;

ZplSessionOptions tcp_options(const Settings& s) {
  ZplSessionOptions o;
  o.io_timeout = milliseconds(s.get_int("io_timeout_ms"));
  o.status_interval = milliseconds(s.get_int("status_interval_ms"));
  o.status_timeout = milliseconds(s.get_int("status_timeout_ms"));
  o.reconnect_initial = milliseconds(s.get_int("reconnect_initial_ms"));
  o.reconnect_max = milliseconds(s.get_int("reconnect_max_ms"));
  o.status_mode = StatusMode::required;
  return o;
}

}  // namespace

ZplTcpPrinter::ZplTcpPrinter(boost::asio::any_io_executor loop, std::string id,
                             const Settings& settings)
    : ZplPrinter(loop, std::move(id),
                 std::make_shared<TcpTransport>(
                     loop, settings.get_string("host"),
                     static_cast<std::uint16_t>(settings.get_int("port")),
                     milliseconds(settings.get_int("connect_timeout_ms"))),
                 tcp_options(settings)) {}

}  // namespace wedge::drivers
