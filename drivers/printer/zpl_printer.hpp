// A ZPL printer over some byte pipe: the Printer interface on top of ZplSession. The concrete
// drivers (ZplTcpPrinter "zpl-tcp", ZplUsbPrinter "zpl-usb") only choose the transport and read
// their settings. See printer.hpp for the contract.
// Threading: loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>

#include "drivers/printer/printer.hpp"
#include "drivers/printer/zpl_session.hpp"

namespace wedge::drivers {

class ZplPrinter : public Printer {
 public:
  ~ZplPrinter() override;

  void start() override;
  void stop() override;
  void async_print(std::string zpl, PrintHandler handler) override;

 protected:
  ZplPrinter(boost::asio::any_io_executor loop, std::string id,
             std::shared_ptr<ZplTransport> transport, ZplSessionOptions options);

 private:
  std::shared_ptr<ZplSession> session_;
};

}  // namespace wedge::drivers
