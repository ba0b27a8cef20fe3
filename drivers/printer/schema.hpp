// Config keys of the printer drivers (flat keys beside id/kind/driver in a devices[] entry).
// Documented in docs/drivers/printer.md. Immutable tables; any thread.
#pragma once

#include "drivers/common/settings.hpp"

namespace wedge::drivers {

const Schema& zpl_tcp_schema();
const Schema& zpl_usb_schema();

}  // namespace wedge::drivers
