// Declared config keys of the light drivers (kind "light"): modbus-tcp, modbus-rtu.
// docs/drivers/light.md describes the same keys. Immutable after first use; any thread.
#pragma once

#include "drivers/common/settings.hpp"

namespace wedge::drivers::light {

const Schema& light_pattern_schema();  // one entry of the `patterns` table
const Schema& modbus_tcp_light_schema();
const Schema& modbus_rtu_light_schema();

}  // namespace wedge::drivers::light
