// The test label an engineer prints from the overview page (POST /api/v1/printers/<id>/test,
// docs/http-api.md): a small ZPL label naming the printer, for no order. It goes through the print
// queue like any label, so it proves the whole path to the paper.
//
// Pure function; any thread.
#pragma once

#include <string>

#include "daemon/print/print_queue.hpp"

namespace wedge::print {

[[nodiscard]] NewJob test_label_job(const std::string& printer_id);

}  // namespace wedge::print
