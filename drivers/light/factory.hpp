// make_light: builds the light driver named in a device entry ("modbus-tcp", "modbus-rtu") from
// its validated settings; nullptr for an unknown driver name. Loop thread; not started.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "drivers/common/settings.hpp"
#include "drivers/light/light.hpp"

namespace wedge::drivers::light {

std::unique_ptr<Light> make_light(boost::asio::any_io_executor loop, std::string id,
                                  std::string_view driver, const Settings& settings);

}  // namespace wedge::drivers::light
