// GS1 Digital Link URI reading (GS1 Digital Link standard 1.x, uncompressed form):
//   http(s)://<any domain>[/<any path prefix>]/<key AI>/<key>[/<qualifier AI>/<value>…][?<AI>=<value>&…]
// Key AIs and their qualifier sequences come from the AI table (gs1_dictionary.hpp: kDlPrimaryKey,
// dl_path), e.g. (01) with qualifiers (22) (10) (21) in that order or (235) alone; (00) (414)
// (417) (8004) … Refused as bad_digital_link: a path that ends with '/', a path after the key that
// is not AI/value pairs, a qualifier out of place, a key or qualifier AI in the query, a query AI
// that is not a Digital Link data attribute, and an AI twice in the URI. Path and query values are
// percent-decoded; query keys that are not all digits (linkType, context, …) are ignored; a
// fragment is ignored. Value syntax (length, charset, check digit, dates) and the AI pairing rules
// are checked afterwards by the caller, exactly as for element strings.
//
// Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/gs1/gs1.hpp"

namespace wedge::station {

// True when `text` starts with "http://" or "https://" (scheme case-insensitive).
[[nodiscard]] bool looks_like_uri(std::string_view text) noexcept;

struct DigitalLinkParse {
  bool is_digital_link = false;      // false: a URI with no GS1 key AI in its path (not a GS1 URI)
  std::vector<Gs1Element> elements;  // key, qualifiers, then query AIs, values decoded
  std::optional<Gs1Error> error;     // structural error (bad_digital_link, unknown_ai, bad_charset)
  std::string error_ai;
  std::string detail;                // technical explanation of the error
};

[[nodiscard]] DigitalLinkParse parse_digital_link(std::string_view uri);

// Percent-decodes `text`; empty when an escape is malformed ("%4", "%G1").
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text);

}  // namespace wedge::station
