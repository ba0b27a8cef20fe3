// make_printer: builds the printer driver named in a validated devices[] entry.
// Returns nullptr for a driver name this family does not know (the registry and validator make
// that a config error first). Loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "drivers/common/settings.hpp"
#include "drivers/printer/printer.hpp"

namespace wedge::drivers {

std::unique_ptr<Printer> make_printer(boost::asio::any_io_executor loop, std::string_view driver,
                                      std::string id, const Settings& settings);

}  // namespace wedge::drivers
