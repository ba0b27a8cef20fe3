// AIM symbology identifiers: recognise the `]Cm` prefix a scanner adds when "AIM ID" transmission
// is on, strip it from the data and name the symbology.
//
// Contract: parse_aim() never fails. Only a `]` followed by a known code character and a modifier
// in [0-9A-Za-z] counts as an identifier; anything else is left in the data and the symbology is
// "unknown". Mapping (AIM ISO/IEC 15424, table in docs/drivers/scanner.md):
//   ]C1 gs1-128, ]C0/]C2/… code-128, ]E0 ean-13, ]E4 ean-8, ]E1-3 ean-13 (add-on), ]e* gs1-databar,
//   ]d2 gs1-datamatrix, ]d* datamatrix, ]Q3 gs1-qr, ]Q* qr, ]I* itf, ]A* code-39, ]F* codabar,
//   ]G* code-93, ]L* pdf417, ]z* aztec.
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace wedge::drivers::scanner {

struct AimResult {
  std::string_view aim_id;     // "]C1", or empty
  std::string_view symbology;  // "gs1-128", …, or "unknown"
  std::string_view payload;    // the data after the identifier (a view into the input)
  bool gs1 = false;            // the identifier says a GS1 element string follows
};

AimResult parse_aim(std::string_view data);

// The symbology for a full identifier such as "]d2"; "unknown" for an unrecognised one.
std::string_view symbology_for(std::string_view aim_id);

}  // namespace wedge::drivers::scanner
