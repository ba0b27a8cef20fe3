// The GS1 rules that concern a whole scan rather than one value, checked after every element of a
// scan is read (GS1 Barcode Syntax Dictionary attributes, carried in gs1_ai_table.cpp):
// - repeated AIs: the same AI twice with the same value is one element; with different values the
//   scan contradicts itself (`conflicting_ai`);
// - exclusive AIs (`excludes`): AIs that must not appear together, e.g. (01) with (02), two net
//   weights in different units ((3102) with (3103)), (420) with (421) (`gs1_exclusive_ais`);
// - requisite AIs (`needs`): an AI that needs others, e.g. (37) needs (00) with (02) or with
//   (8026), (10) needs an item key (`missing_ai`).
// GS1 evaluates pairings over all symbols on one item; a station sees one symbol per scan. The
// requisites are checked per scan; `sscc_on_other_symbol` (a station option, off by default)
// counts (00) as present, because a logistic label commonly puts the SSCC in its own symbol.
//
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/gs1/gs1.hpp"

namespace wedge::station {

struct Gs1RuleViolation {
  Gs1Error code = Gs1Error::conflicting_ai;
  std::string ai;      // the AI concerned
  std::string detail;  // technical: "(3102) and (3103) must not appear together"
};

// Merges repeated AIs with equal values (first place kept); a violation when values differ.
[[nodiscard]] std::optional<Gs1RuleViolation> merge_repeated_ais(std::vector<Gs1Element>& elements);

// Exclusive and requisite AIs. `assumed_sscc` is set when a requisite was met only by assuming
// the (00) of another symbol (sscc_on_other_symbol).
[[nodiscard]] std::optional<Gs1RuleViolation> check_ai_pairings(const std::vector<Gs1Element>& elements,
                                                                bool sscc_on_other_symbol, bool& assumed_sscc);

}  // namespace wedge::station
