// Builds a scanner driver by its config name: "serial", "tcp" or "evdev".
//
// Returns nullptr for an unknown driver name (the config validator rejects those earlier, using
// drivers::find_driver). Config problems inside a known driver do not fail here: the driver reports
// them as `faulted` health on start(). Loop thread only; `settings` need not outlive the call.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "drivers/common/settings.hpp"
#include "drivers/scanner/scanner.hpp"

namespace wedge::drivers::scanner {

std::unique_ptr<Scanner> make_scanner(boost::asio::any_io_executor executor, std::string id,
                                      std::string_view driver, const drivers::Settings& settings);

}  // namespace wedge::drivers::scanner
