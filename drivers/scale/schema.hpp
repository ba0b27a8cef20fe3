// Declared config keys of the scale drivers (kind "scale"): modbus-tcp, modbus-rtu, mt-sics,
// mt8217.
// docs/drivers/scale.md describes the same keys; the registry points at these tables.
// Immutable after first use; any thread.
#pragma once

#include "drivers/common/settings.hpp"

namespace wedge::drivers::scale {

const Schema& modbus_tcp_scale_schema();
const Schema& modbus_rtu_scale_schema();
const Schema& mtsics_scale_schema();
const Schema& mt8217_scale_schema();

}  // namespace wedge::drivers::scale
