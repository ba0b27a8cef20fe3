// Pure parser for MT-SICS reply lines (Mettler Toledo Standard Interface Command Set).
//
// A reply is `<ID> <status> [fields]` in capitals, fields separated by spaces, the weight value
// right-aligned (so: split on whitespace). Examples:
//   "S S     100.00 g"  stable weight        "S D      99.50 g"  dynamic (moving) weight
//   "S +" / "S -"       overload / underload "S I"              not executable now (S: timeout)
//   "Z A"               command done         "T S    12.00 g"    tare taken (value = tare)
//   "Z L"               bad parameter        "ES" / "ET" / "EL"  syntax / transmission / logic
// Anything else (binary noise, a half line, a weight without unit) is `invalid` with a reason.
// parse_mtsics_line never throws and accepts any bytes; lines longer than kMaxLineLength are
// invalid. The CR LF terminator may be present or already stripped.
//
// Pure functions; thread-agnostic.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wedge::drivers::scale {

enum class MtSicsStatus {
  stable,              // "<ID> S value unit"
  dynamic,             // "<ID> D value unit"
  ack,                 // "<ID> A [fields]"
  not_executable,      // "<ID> I"
  bad_parameter,       // "<ID> L"
  overload,            // "<ID> +"
  underload,           // "<ID> -"
  syntax_error,        // "ES"
  transmission_error,  // "ET"
  logical_error,       // "EL"
  invalid,             // not an MT-SICS reply
};

std::string_view to_string(MtSicsStatus status) noexcept;

struct MtSicsReply {
  MtSicsStatus status = MtSicsStatus::invalid;
  std::string command;  // reply id: "S", "SI", "Z", "T", "I4" ...; empty for ES/ET/EL/invalid
  double value = 0.0;   // stable/dynamic: the value as sent, in `unit`
  std::string unit;     // stable/dynamic: "g", "kg", ...
  std::string fields;   // ack: the rest of the line (e.g. the quoted serial number)
  std::string reason;   // a sentence for errors and invalid lines
};

constexpr std::size_t kMaxMtSicsLineLength = 256;

MtSicsReply parse_mtsics_line(std::string_view line);

// Grams in one `unit` (g, kg, mg, t, lb, oz, ct); nullopt for units we cannot convert.
std::optional<double> mtsics_unit_grams(std::string_view unit);

}  // namespace wedge::drivers::scale
