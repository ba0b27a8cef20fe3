// docs/configuration.md, generated from the declared schemas (`wedge --config-reference`), so that
// the reference can never disagree with the validator. A test compares the checked-in file with it.
#pragma once

#include <string>

namespace wedge::config {

std::string config_reference_markdown();

}  // namespace wedge::config
