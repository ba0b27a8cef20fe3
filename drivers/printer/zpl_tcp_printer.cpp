#include "drivers/printer/zpl_tcp_printer.hpp"

#include "drivers/printer/tcp_transport.hpp"

namespace wedge::drivers {

ZplTcpPrinter::ZplTcpPrinter(boost::asio::any_io_executor loop, std::string id,
                             const Settings& settings)
    : ZplPrinter(loop, std::move(id),
                 std::make_shared<TcpTransport>(
                     loop, settings.get_string("host"),
                     static_cast<std::uint16_t>(settings.get_int("port")),
                     std::chrono::milliseconds(settings.get_int("connect_timeout_ms"))),
                 ZplSessionOptions::from_settings(settings, StatusMode::required)) {}

}  // namespace wedge::drivers
