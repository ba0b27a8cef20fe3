// Human rendering of the API's JSON for wedgectl: objects as indented "key: value" lines, arrays
// of objects as aligned tables (one column per key, in first-seen order), everything else as
// compact JSON. It renders whatever fields the gateway sends, so new fields show up without a
// wedgectl release. Pure; any thread.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace wedge::ctl {

std::string render_human(const boost::json::value& value);

}  // namespace wedge::ctl
