#include "daemon/gs1/gs1_dictionary.hpp"

#include <fmt/format.h>

#include "daemon/gs1/gs1_date.hpp"

namespace wedge::station {
namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

int number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

// GS1 CSET 39: digits, upper-case letters, '#', '-', '/'.
bool is_cset39(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '#' || c == '-' || c == '/'; }

// GS1 CSET 64 (base64url, '=' as padding).
bool is_cset64(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_' ||
         c == '=';
}

bool in_charset(char charset, char c) {
  switch (charset) {
    case 'N': return c >= '0' && c <= '9';
    case 'Y': return is_cset39(c);
    case 'Z': return is_cset64(c);
    default: return is_cset82(c);
  }
}

std::string_view charset_name(char charset) {
  switch (charset) {
    case 'N': return "digits only";
    case 'Y': return "GS1 CSET 39 only";
    case 'Z': return "base64url only";
    default: return "GS1 CSET 82 only";
  }
}

bool percent_escapes_ok(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
      i += 2;
    }
  return true;
}

bool full_year_date_ok(std::string_view text) {
  const int month = number(text.substr(4, 2));
  const int day = number(text.substr(6, 2));
  return day >= 1 && day <= days_in_month(number(text.substr(0, 4)), month);
}

Gs1ValueCheck fail(Gs1ValueFault fault, std::string detail) { return core::fail(fault, std::move(detail)); }

// The checks that concern digits only run after the charset check, so `text` is digits there.
Gs1ValueCheck run_checks(std::string_view ai, std::uint32_t checks, std::string_view text, int year) {
  auto bad_date = [&](std::string_view format) {
    return fail(Gs1ValueFault::bad_date, fmt::format("({}) {} is not a valid {}", ai, text, format));
  };
  auto bad_value = [&](std::string_view rule) {
    return fail(Gs1ValueFault::bad_charset, fmt::format("({}) {}: {}", ai, text, rule));
  };
  if ((checks & kCheckDigit) && !gs1_check_digit_ok(text))
    return fail(Gs1ValueFault::bad_check_digit, fmt::format("({}) {} check digit should be {}", ai, text,
                                                            gs1_check_digit(text.substr(0, text.size() - 1))));
  if ((checks & kDateDayZero) && !parse_gs1_date(text, year, true)) return bad_date("YYMMDD date");
  if ((checks & kDate) && !parse_gs1_date(text, year, false)) return bad_date("YYMMDD date (day 00 not allowed)");
  if ((checks & kDateFullYear) && !full_year_date_ok(text)) return bad_date("YYYYMMDD date");
  if ((checks & kHourMinute) && (number(text.substr(0, 2)) > 23 || number(text.substr(2, 2)) > 59))
    return bad_date("hhmm time");
  if ((checks & kHour) && number(text) > 23) return bad_date("hour");
  if ((checks & (kMinute | kSecond)) && number(text) > 59) return bad_date("minute or second");
  if ((checks & kZero) && text != "0") return bad_value("must be 0");
  if ((checks & kNonZero) && text.find_first_not_of('0') == std::string_view::npos) return bad_value("must not be 0");
  if ((checks & kYesNo) && text != "0" && text != "1") return bad_value("must be 0 or 1");
  if ((checks & kHyphen) && text != "-") return bad_value("must be '-'");
  if ((checks & kPercentEncoded) && !percent_escapes_ok(text)) return bad_value("bad %-escape");
  if ((checks & kLatitude) && text > std::string_view("1800000000")) return bad_value("latitude out of range");
  if ((checks & kLongitude) && text > std::string_view("3600000000")) return bad_value("longitude out of range");
  if ((checks & kHasNonDigit) && all_digits(text)) return bad_value("must contain a non-digit");
  if ((checks & kPieceOfTotal) &&
      (number(text.substr(0, 2)) == 0 || number(text.substr(0, 2)) > number(text.substr(2, 2))))
    return bad_value("piece must be 1 to the total");
  if ((checks & kNoZeroPrefix) && text.size() > 1 && text[0] == '0') return bad_value("must not start with 0");
  return {};
}

Gs1ValueCheck check_component(std::string_view ai, const Gs1Component& part, std::string_view text, int year) {
  for (char c : text)
    if (!in_charset(part.charset, c))
      return fail(Gs1ValueFault::bad_charset,
                  fmt::format("({}) character 0x{:02X} is not allowed: {}", ai, static_cast<unsigned char>(c),
                              charset_name(part.charset)));
  return run_checks(ai, part.checks, text, year);
}

std::string expected_length(const Gs1AiSpec& spec) {
  return spec.fixed_length() ? fmt::format("{}", spec.min_length())
                             : fmt::format("{} to {}", spec.min_length(), spec.max_length());
}

}  // namespace

int Gs1AiSpec::min_length() const noexcept {
  int total = 0;
  for (int i = 0; i < part_count; ++i)
    if (!parts[static_cast<std::size_t>(i)].optional) total += parts[static_cast<std::size_t>(i)].min_length;
  return total;
}

int Gs1AiSpec::max_length() const noexcept {
  int total = 0;
  for (int i = 0; i < part_count; ++i) total += parts[static_cast<std::size_t>(i)].max_length;
  return total;
}

bool ai_matches(std::string_view pattern, std::string_view ai) noexcept {
  if (pattern.size() != ai.size()) return false;
  for (std::size_t i = 0; i < ai.size(); ++i)
    if (pattern[i] != ai[i] && !(pattern[i] == 'x' && ai[i] >= '0' && ai[i] <= '9')) return false;
  return true;
}

const Gs1AiSpec* find_ai(std::string_view ai) noexcept {
  if (!all_digits(ai)) return nullptr;
  for (const auto& spec : gs1_ai_table())
    if (spec.ai_length() == ai.size() && spec.first <= ai && ai <= spec.last) return &spec;
  return nullptr;
}

const Gs1AiSpec* find_ai_prefix(std::string_view digits) noexcept {
  for (std::size_t length = 2; length <= 4 && length <= digits.size(); ++length)
    if (const auto* spec = find_ai(digits.substr(0, length))) return spec;
  return nullptr;
}

std::optional<int> predefined_length(std::string_view ai) noexcept {
  const auto* spec = find_ai(ai);
  if (spec == nullptr || !spec->predefined()) return std::nullopt;
  return spec->max_length();
}

bool is_cset82(char c) noexcept {
  if (c >= '0' && c <= '9') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= 'a' && c <= 'z') return true;
  switch (c) {
    case '!': case '"': case '%': case '&': case '\'': case '(': case ')': case '*': case '+':
    case ',': case '-': case '.': case '/': case ':': case ';': case '<': case '=': case '>':
    case '?': case '_':
      return true;
    default:
      return false;
  }
}

int gs1_check_digit(std::string_view data_digits) noexcept {
  if (!all_digits(data_digits)) return -1;
  int sum = 0;
  int weight = 3;
  for (auto it = data_digits.rbegin(); it != data_digits.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = 4 - weight;
  }
  return (10 - sum % 10) % 10;
}

bool gs1_check_digit_ok(std::string_view digits_with_check) noexcept {
  if (digits_with_check.size() < 2 || !all_digits(digits_with_check)) return false;
  return gs1_check_digit(digits_with_check.substr(0, digits_with_check.size() - 1)) ==
         digits_with_check.back() - '0';
}

Gs1ValueCheck check_ai_value(const Gs1AiSpec& spec, std::string_view ai, std::string_view value,
                             int current_year) {
  const auto length = static_cast<int>(value.size());
  auto bad_length = [&] {
    return fail(Gs1ValueFault::bad_length,
                fmt::format("({}) has {} characters, expected {}", ai, length, expected_length(spec)));
  };
  if (length < spec.min_length() || length > spec.max_length()) return bad_length();
  std::size_t at = 0;
  for (int i = 0; i < spec.part_count; ++i) {
    const auto& part = spec.parts[static_cast<std::size_t>(i)];
    const std::size_t left = value.size() - at;
    if (left == 0 && part.optional) break;  // optional components may be left out at the end
    const bool variable = part.min_length != part.max_length;
    const std::size_t take = variable ? left : static_cast<std::size_t>(part.max_length);
    if (take > left || take < static_cast<std::size_t>(part.min_length)) return bad_length();
    auto check = check_component(ai, part, value.substr(at, take), current_year);
    if (!check) return check;
    at += take;
  }
  if (at != value.size()) return bad_length();
  return {};
}

}  // namespace wedge::station
