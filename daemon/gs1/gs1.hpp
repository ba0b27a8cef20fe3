// GS1 scan parsing: turns one decoded scan (data + the AIM symbology identifier the scanner
// reported, if any) into a ParsedScan — a GTIN, a GS1 element string, a GS1 Digital Link URI or
// plain text — or into a ScanError with a machine code and a sentence for the picker.
//
// Contract (docs/scan-validation.md is the user-facing version):
// - `data` keeps GS (0x1D) as the FNC1 separator. When `aim_id` is empty and `data` itself starts
//   with a known AIM identifier ("]C1…"), that prefix is used as the identifier.
// - The AIM identifier must fit the content (else `symbology_mismatch`): ]C1 ]e0 ]d2 ]Q3 ]J1 carry
//   a GS1 element string (the data starts with an AI's digits); ]E0 exactly 13 digits (EAN-13, UPC-A
//   as 13 with a leading 0), ]E4 exactly 8 (EAN-8), ]E3 an EAN-13 + 2- or 5-digit add-on (15 or
//   18 digits; the add-on is dropped), ]E1/]E2 a 2/5-digit add-on alone (plain text, not a GTIN). ]I…: a GTIN when 14 digits. ]C0 ]A ]Q1 ]d1 … and no identifier: a
//   Digital Link URI if it starts with http:// or https://; with no identifier also a GTIN if it
//   is 8, 12, 13 or 14 digits, an element string if it holds a GS or starts with 00/01/02 and 14
//   more digits; otherwise plain text — the caller looks plain text up as a SKU alias.
// - Separators (GS1 General Specifications §7.8.5): one GS between an element and the next AI —
//   required after an AI that is not of predefined length, allowed after one that is. A leading GS,
//   two GS in a row and a GS after the last element are refused (`gs1_separator`); with
//   ParseOptions::tolerate_trailing_gs one trailing GS is accepted with the warning
//   "trailing_separator".
// - Human-readable text such as "(01)09506000134352(17)260600" is refused with `bracketed_text`
//   unless ParseOptions::accept_bracketed_text is set: parentheses are GS1 CSET 82 characters, so
//   such data means someone typed or OCR'd the printed line, not a scanner reading the symbol.
// - Every value is checked against the full GS1 AI table (gs1_dictionary.hpp): length, charset,
//   check digits, dates (century rule, DD = 00 = last day of month), times. After the whole scan is
//   read, repeated AIs, exclusive and requisite AIs are checked (gs1_rules.hpp).
// - A variable-length field that ends the data without GS may have swallowed following AIs (a
//   scanner that drops GS). When its tail parses as complete predefined-length elements, the scan
//   is still returned (GS1 syntax cannot tell) but carries the warning
//   "possible_missing_separator".
//
// Pure functions; never throw for any input; any thread.
#pragma once

#include "daemon/core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/gs1/gs1_date.hpp"

namespace wedge::station {

enum class Gs1Error {
  empty_scan,         // nothing left after the AIM identifier
  bad_check_digit,    // a GTIN, SSCC or GLN whose check digit is wrong
  bad_date,           // a date field that is not a real date
  unknown_ai,         // an AI that is not in the dictionary (or not an AI at all)
  bad_length,         // a value too short or too long, or a GTIN that is not 8/12/13/14 digits
  bad_charset,        // letters in a numeric field, or a character outside GS1 CSET 82
  missing_separator,  // data runs on after a field that needed a GS separator
  missing_ai,         // an AI that needs another one which is absent ((02) without (37)…)
  conflicting_ai,     // the same AI twice with different values
  bracketed_text,     // "(01)…" human-readable text instead of the encoded data
  bad_digital_link,   // a Digital Link URI that cannot be read (no key AI, bad %-escape, …)
  exclusive_ais,      // AIs that must not appear together ((01) with (02), (3102) with (3103), …)
  bad_separator,      // a leading, doubled or trailing GS
  symbology_mismatch, // the data does not fit the AIM symbology identifier (]E0 with 14 digits, …)
};
constexpr Gs1Error kLastGs1Error = Gs1Error::symbology_mismatch;

[[nodiscard]] std::string_view to_string(Gs1Error code) noexcept;

enum class ScanKind { gtin, element_string, digital_link, text };

[[nodiscard]] std::string_view to_string(ScanKind kind) noexcept;

struct Gs1Element {
  std::string ai;
  std::string value;
  bool operator==(const Gs1Element&) const = default;
};

struct ParsedScan {
  ScanKind kind = ScanKind::text;
  std::string aim_id;                // "]C1", or empty when none was reported or found
  std::string text;                  // the data after the AIM identifier, as scanned
  std::vector<Gs1Element> elements;  // in scan order; a bare GTIN gives one (01) element
  bool from_bracketed_text = false;  // parsed from "(01)…" text (only with accept_bracketed_text)
  std::vector<std::string> warnings; // "possible_missing_separator", "trailing_separator",
                                     // "sscc_on_other_symbol"

  // Views filled from `elements` (empty / nullopt when the AI is absent).
  std::string gtin;                  // (01), always 14 digits
  std::string content_gtin;          // (02)
  std::string sscc;                  // (00)
  std::string lot;                   // (10)
  std::string serial;                // (21)
  std::optional<CalendarDate> production_date;  // (11)
  std::optional<CalendarDate> best_before;      // (15)
  std::optional<CalendarDate> expiry;           // (17)
  std::optional<std::int64_t> count;            // (37)
  std::optional<std::int64_t> variable_count;   // (30)
  std::optional<std::int64_t> net_weight_mg;    // (310n), in milligrams

  // The value of `ai`, or nullptr.
  [[nodiscard]] const std::string* find(std::string_view ai) const;
  // The GS1 element string in human-readable form: "(01)09506000134352(10)LOT42".
  [[nodiscard]] std::string bracketed() const;
};

struct ScanError {
  Gs1Error code = Gs1Error::empty_scan;
  std::string ai;       // the AI concerned, when there is one
  std::string detail;   // technical, for logs and events: "(17) 261331 is not a valid YYMMDD date"
  std::string message;  // one sentence for the picker
};

struct ParseOptions {
  int current_year = 0;  // for the two-digit-year century rule; 0 = the system clock's year
  bool accept_bracketed_text = false;
  bool tolerate_trailing_gs = false;   // one GS after the last element: warning, not refusal
  bool sscc_on_other_symbol = false;   // requisites may count on an (00) in another symbol (gs1_rules.hpp)
};

// The scan, or why it is refused: ScanError is this room's error, a Gs1Error code with the AI, a
// technical detail and the picker's sentence.
using ParseResult = core::Result<ParsedScan, ScanError>;

ParseResult parse_scan(std::string_view data, std::string_view aim_id, const ParseOptions& options = {});

// A GTIN-8/12/13/14 with a correct check digit, left-padded to 14 digits; empty otherwise.
[[nodiscard]] std::optional<std::string> normalise_gtin(std::string_view digits);

// The picker sentence for a code (ScanError::message is exactly this; specifics go to detail).
[[nodiscard]] std::string_view picker_sentence(Gs1Error code) noexcept;

}  // namespace wedge::station
