#include "drivers/scale/factory.hpp"

#include "drivers/scale/modbus_scale.hpp"
#include "drivers/scale/mtsics_scale.hpp"
#include "drivers/scale/toledo8217_scale.hpp"

namespace wedge::drivers::scale {

std::unique_ptr<Scale> make_scale(boost::asio::any_io_executor loop, std::string id,
                                  std::string_view driver, const Settings& settings) {
  if (driver == "modbus-tcp" || driver == "modbus-rtu")
    return std::make_unique<ModbusScale>(std::move(loop), std::move(id),
                                         ModbusScaleConfig::from_settings(driver, settings));
  if (driver == "mt-sics")
    return std::make_unique<MtSicsScale>(std::move(loop), std::move(id),
                                         MtSicsConfig::from_settings(settings));
  if (driver == "mt8217")
    return std::make_unique<Toledo8217Scale>(std::move(loop), std::move(id),
                                             Toledo8217Config::from_settings(settings));
  return nullptr;
}

}  // namespace wedge::drivers::scale
