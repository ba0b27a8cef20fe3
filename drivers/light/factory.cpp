#include "drivers/light/factory.hpp"

#include "drivers/light/modbus_light.hpp"

namespace wedge::drivers::light {

std::unique_ptr<Light> make_light(boost::asio::any_io_executor loop, std::string id,
                                  std::string_view driver, const Settings& settings) {
  if (driver == "modbus-tcp" || driver == "modbus-rtu") {
    auto config = ModbusLightConfig::from_settings(driver, settings, id);
    return std::make_unique<ModbusLight>(std::move(loop), std::move(id), std::move(config));
  }
  return nullptr;
}

}  // namespace wedge::drivers::light
