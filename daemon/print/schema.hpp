// Config keys of the print module: the top-level `printing:` section (queue, templates, SSCC).
// Documented in docs/drivers/printer.md. Immutable tables; any thread.
#pragma once

#include <string>
#include <string_view>

#include "daemon/print/print_queue.hpp"
#include "daemon/print/sscc.hpp"
#include "drivers/common/settings.hpp"

namespace wedge::print {

const drivers::Schema& printing_schema();

// Builders from a validated `printing:` section. Relative file names are taken in state_dir.
QueueOptions queue_options(const drivers::Settings& printing, std::string_view state_dir);
// Only when gs1_company_prefix is set (check with printing.has("gs1_company_prefix")).
SsccOptions sscc_options(const drivers::Settings& printing, std::string_view state_dir);

}  // namespace wedge::print
