// Driver "zpl-tcp": a ZPL printer on raw TCP (port 9100). Keys: zpl_tcp_schema(). A printer
// that does not answer ~HS within status_timeout_ms is faulted "not ready".
// Threading: loop thread only.
#pragma once

#include "drivers/common/settings.hpp"
#include "drivers/printer/zpl_printer.hpp"

namespace wedge::drivers {

class ZplTcpPrinter final : public ZplPrinter {
 public:
  ZplTcpPrinter(boost::asio::any_io_executor loop, std::string id, const Settings& settings);
};

}  // namespace wedge::drivers
