// The GS1 Application Identifier dictionary wedge understands, and the check of one AI's value.
//
// A subset of the GS1 Barcode Syntax Dictionary (gs1/gs1-syntax-engine gs1-syntax-dictionary.txt):
// the AIs a warehouse pick/pack/ship station meets — (00) (01) (02) (10) (11) (12) (13) (15) (16)
// (17) (20) (21) (22) (235) (240) (241) (250) (30) (3100-3105) (3300-3305) (37) (400) (401) (403)
// (410-417) (420) (421) (422) (7003). The table is prefix-free, as the GS1 table is, so an AI is
// found by trying 2, 3 then 4 leading digits. Which AIs may omit the GS separator is not a
// property of the AI but of its first two digits (the "predefined length" table, GS1 General
// Specifications Figure 7.8.4-2); predefined_length() answers that.
//
// Pure, immutable tables; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wedge::station {

enum class Gs1Lint {
  none,
  check_digit,  // last digit is a GS1 mod-10 check digit
  date_yymmd0,  // YYMMDD, DD = 00 allowed (= last day of month)
  datetime,     // YYMMDDhhmm
};

struct Gs1Component {
  char charset = 'N';  // 'N' digits, 'X' GS1 CSET 82
  int min_length = 0;
  int max_length = 0;  // == min_length for fixed-length components
  Gs1Lint lint = Gs1Lint::none;
};

struct Gs1AiSpec {
  std::string_view ai;
  std::string_view title;  // GS1 data title, e.g. "BATCH/LOT"
  Gs1Component parts[2];
  int part_count = 1;

  [[nodiscard]] int min_length() const noexcept;
  [[nodiscard]] int max_length() const noexcept;
  [[nodiscard]] bool fixed_length() const noexcept { return min_length() == max_length(); }
};

// The spec whose AI is a prefix of `digits` (2, 3 or 4 leading digits), or nullptr.
[[nodiscard]] const Gs1AiSpec* find_ai_prefix(std::string_view digits) noexcept;
// The spec for exactly this AI, or nullptr.
[[nodiscard]] const Gs1AiSpec* find_ai(std::string_view ai) noexcept;

// Value length when the AI's first two digits are in the predefined-length table (such an AI is
// never followed by GS), or empty: then GS is required unless the element is last.
[[nodiscard]] std::optional<int> predefined_length(std::string_view ai) noexcept;

// True for every character of GS1 AI encodable character set 82.
[[nodiscard]] bool is_cset82(char c) noexcept;

// GS1 mod-10 check digit of `data_digits` (weights 3,1,3,… from the right), or -1 when the text is
// empty or not all digits.
[[nodiscard]] int gs1_check_digit(std::string_view data_digits) noexcept;
// True when the last of ≥ 2 digits is the check digit of the others.
[[nodiscard]] bool gs1_check_digit_ok(std::string_view digits_with_check) noexcept;

// Why a value is not valid for its AI. `none` = valid.
enum class Gs1ValueFault { none, bad_length, bad_charset, bad_check_digit, bad_date };

struct Gs1ValueCheck {
  Gs1ValueFault fault = Gs1ValueFault::none;
  std::string detail;  // technical, for logs: "(17) month 13"
};

// Checks `value` against the AI's components: lengths, charsets, check digit, dates (century by
// `current_year`).
[[nodiscard]] Gs1ValueCheck check_ai_value(const Gs1AiSpec& spec, std::string_view value,
                                           int current_year);

}  // namespace wedge::station
