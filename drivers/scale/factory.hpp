// make_scale: builds the scale driver named in a device entry ("modbus-tcp", "modbus-rtu",
// "mt-sics") from its validated settings. Returns nullptr for a driver name it does not know
// (the config validator has already rejected those). Loop thread; the scale is not started.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "drivers/common/settings.hpp"
#include "drivers/scale/scale.hpp"

namespace wedge::drivers::scale {

std::unique_ptr<Scale> make_scale(boost::asio::any_io_executor loop, std::string id,
                                  std::string_view driver, const Settings& settings);

}  // namespace wedge::drivers::scale
