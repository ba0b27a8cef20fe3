// The GS1 Application Identifier dictionary and the check of one AI's value.
//
// gs1_ai_table() holds every AI the GS1 Barcode Syntax Dictionary defines (gs1_ai_table.cpp, generated
// by scripts/gs1-ai-table from gs1/gs1-syntax-dictionary; see that script for the representation of
// `needs`, `excludes` and `dl_path`). A row covers one AI or a range of AIs of the same length
// ("3100"–"3105"). The table is prefix-free, as GS1's is, so an AI is found by trying 2, 3 then 4
// leading digits.
//
// A value is one or more components: each consumes a prefix of its fixed length, only the last may
// be variable, optional components ([N3]) may be absent once the data is used up. Each component
// has a character set — N digits, X GS1 CSET 82, Y GS1 CSET 39, Z base64url — and checks (Gs1Check
// flags). Checks of the dictionary that need data wedge does not hold (company prefix positions,
// ISO country/currency lists, IBAN, coupon syntax, …) are not applied; docs/scan-validation.md
// lists them.
//
// Pure, immutable tables; any thread.
#pragma once

#include "daemon/core/result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wedge::station {

// Component checks (bit flags; a component may carry several).
enum Gs1Check : std::uint32_t {
  kNoCheck = 0,
  kCheckDigit = 1u << 0,      // last digit is the GS1 mod-10 check digit
  kDateDayZero = 1u << 1,     // YYMMDD, DD = 00 allowed (= last day of month)
  kDate = 1u << 2,            // YYMMDD, a real date
  kDateFullYear = 1u << 3,    // YYYYMMDD, a real date
  kHourMinute = 1u << 4,      // hhmm, hh ≤ 23, mm ≤ 59
  kHour = 1u << 5,            // hh ≤ 23
  kMinute = 1u << 6,          // mm ≤ 59
  kSecond = 1u << 7,          // ss ≤ 59
  kZero = 1u << 8,            // exactly "0"
  kNonZero = 1u << 9,         // not all zeros
  kYesNo = 1u << 10,          // "0" or "1"
  kHyphen = 1u << 11,         // exactly "-"
  kPercentEncoded = 1u << 12, // every '%' starts a %HH escape
  kLatitude = 1u << 13,       // 0..1800000000 (degrees × 10^7 + 90°)
  kLongitude = 1u << 14,      // 0..3600000000 (degrees × 10^7 + 180°)
  kHasNonDigit = 1u << 15,    // at least one character that is not a digit
  kPieceOfTotal = 1u << 16,   // NNMM: piece NN of total MM, 1 ≤ NN ≤ MM
  kNoZeroPrefix = 1u << 17,   // no leading zero (unless the value is "0")
};

// What an AI is to GS1 (bit flags).
enum Gs1Role : std::uint32_t {
  kNoRole = 0,
  kPredefinedLength = 1u << 0,  // never needs a GS after it (GS1 "predefined length" table)
  kDlAttribute = 1u << 1,       // may be a Digital Link query attribute
  kDlPrimaryKey = 1u << 2,      // a Digital Link primary key (path after it: dl_path)
};

struct Gs1Component {
  char charset = 'N';   // 'N', 'X', 'Y' or 'Z'
  int min_length = 0;
  int max_length = 0;   // == min_length for fixed-length components
  std::uint32_t checks = kNoCheck;
  bool optional = false;
};

struct Gs1AiSpec {
  std::string_view first;  // "3100": the row covers first..last, all of the same length
  std::string_view last;
  std::string_view title;  // GS1 data title, e.g. "BATCH/LOT"
  std::uint32_t role = kNoRole;
  std::string_view needs;     // "01 & 21 | 03 & 21": one alternative must be fully present
  std::string_view excludes;  // "310x 8111": none of these may be present (the AI itself excepted)
  std::string_view dl_path;   // "22 10 21 | 235": Digital Link qualifier sequences after this key
  int part_count = 1;
  std::array<Gs1Component, 5> parts{};

  [[nodiscard]] std::size_t ai_length() const noexcept { return first.size(); }
  [[nodiscard]] int min_length() const noexcept;  // the mandatory components
  [[nodiscard]] int max_length() const noexcept;  // all components
  // Every value has the same length (no optional or variable component).
  [[nodiscard]] bool fixed_length() const noexcept { return min_length() == max_length(); }
  [[nodiscard]] bool predefined() const noexcept { return (role & kPredefinedLength) != 0; }
};

// Every AI GS1 defines, in AI order.
[[nodiscard]] std::span<const Gs1AiSpec> gs1_ai_table() noexcept;

// The spec whose AI is a prefix of `digits` (2, 3 or 4 leading digits), or nullptr.
[[nodiscard]] const Gs1AiSpec* find_ai_prefix(std::string_view digits) noexcept;
// The spec for exactly this AI, or nullptr.
[[nodiscard]] const Gs1AiSpec* find_ai(std::string_view ai) noexcept;

// True when `ai` matches `pattern` ("310x": 'x' is any digit; otherwise equal).
[[nodiscard]] bool ai_matches(std::string_view pattern, std::string_view ai) noexcept;

// Value length of a predefined-length AI (never followed by GS), or empty: then GS is required
// unless the element is last.
[[nodiscard]] std::optional<int> predefined_length(std::string_view ai) noexcept;

// True for every character of GS1 AI encodable character set 82.
[[nodiscard]] bool is_cset82(char c) noexcept;

// GS1 mod-10 check digit of `data_digits` (weights 3,1,3,… from the right), or -1 when the text is
// empty or not all digits.
[[nodiscard]] int gs1_check_digit(std::string_view data_digits) noexcept;
// True when the last of ≥ 2 digits is the check digit of the others.
[[nodiscard]] bool gs1_check_digit_ok(std::string_view digits_with_check) noexcept;

// Why a value is not valid for its AI. `none` is no fault (what error().code of a success gives).
enum class Gs1ValueFault { none, bad_length, bad_charset, bad_check_digit, bad_date };

// Success, or the fault with a technical reason for logs: "(17) 261331 is not a valid YYMMDD date".
using Gs1ValueCheck = core::BasicStatus<core::BasicError<Gs1ValueFault>>;

// Checks `value` of AI `ai` (covered by `spec`) against the spec's components: lengths, charsets,
// check digit, dates (century by `current_year`), times and the other carried checks.
[[nodiscard]] Gs1ValueCheck check_ai_value(const Gs1AiSpec& spec, std::string_view ai, std::string_view value,
                                           int current_year);

}  // namespace wedge::station
