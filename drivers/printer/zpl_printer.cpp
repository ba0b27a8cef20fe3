#include "drivers/printer/zpl_printer.hpp"

namespace wedge::drivers {

ZplPrinter::ZplPrinter(boost::asio::any_io_executor loop, std::string id,
                       std::shared_ptr<ZplTransport> transport, ZplSessionOptions options)
    : Printer(id) {
  ZplSessionCallbacks callbacks;
  // The session stops calling these in stop(), which the destructor guarantees, so `this` is valid
  // whenever they run.
  callbacks.health = [this](HealthState state, std::string reason) {
    set_health(state, std::move(reason));
  };
  callbacks.status = [this](const HsStatus& status) { set_status(status); };
  callbacks.status_unknown = [this] { clear_status(); };
  callbacks.warnings = [this](std::vector<std::string> warnings) {
    set_warnings(std::move(warnings));
  };
  session_ = std::make_shared<ZplSession>(loop, std::move(id), std::move(transport), options,
                                          std::move(callbacks));
}

ZplPrinter::~ZplPrinter() { session_->stop(); }

void ZplPrinter::start() { session_->start(); }

void ZplPrinter::stop() { session_->stop(); }

void ZplPrinter::async_print(std::string zpl, PrintHandler handler) {
  session_->print(std::move(zpl), std::move(handler));
}

}  // namespace wedge::drivers
