#include "daemon/station/gs1_dictionary.hpp"

#include <fmt/format.h>

#include "daemon/station/gs1_date.hpp"

namespace wedge::station {
namespace {

constexpr Gs1Component n(int length, Gs1Lint lint = Gs1Lint::none) {
  return Gs1Component{'N', length, length, lint};
}
constexpr Gs1Component n_var(int max) { return Gs1Component{'N', 1, max, Gs1Lint::none}; }
constexpr Gs1Component x_var(int max) { return Gs1Component{'X', 1, max, Gs1Lint::none}; }

constexpr Gs1AiSpec one(std::string_view ai, std::string_view title, Gs1Component part) {
  return Gs1AiSpec{ai, title, {part, Gs1Component{}}, 1};
}
constexpr Gs1AiSpec two(std::string_view ai, std::string_view title, Gs1Component a, Gs1Component b) {
  return Gs1AiSpec{ai, title, {a, b}, 2};
}

// Formats from the GS1 Barcode Syntax Dictionary (see header). Keep prefix-free.
constexpr Gs1AiSpec kDictionary[] = {
    one("00", "SSCC", n(18, Gs1Lint::check_digit)),
    one("01", "GTIN", n(14, Gs1Lint::check_digit)),
    one("02", "CONTENT", n(14, Gs1Lint::check_digit)),
    one("10", "BATCH/LOT", x_var(20)),
    one("11", "PROD DATE", n(6, Gs1Lint::date_yymmd0)),
    one("12", "DUE DATE", n(6, Gs1Lint::date_yymmd0)),
    one("13", "PACK DATE", n(6, Gs1Lint::date_yymmd0)),
    one("15", "BEST BEFORE or BEST BY", n(6, Gs1Lint::date_yymmd0)),
    one("16", "SELL BY", n(6, Gs1Lint::date_yymmd0)),
    one("17", "USE BY or EXPIRY", n(6, Gs1Lint::date_yymmd0)),
    one("20", "VARIANT", n(2)),
    one("21", "SERIAL", x_var(20)),
    one("22", "CPV", x_var(20)),
    one("235", "TPX", x_var(28)),
    one("240", "ADDITIONAL ID", x_var(30)),
    one("241", "CUST. PART No.", x_var(30)),
    one("250", "SECONDARY SERIAL", x_var(30)),
    one("30", "VAR. COUNT", n_var(8)),
    one("3100", "NET WEIGHT (kg)", n(6)),
    one("3101", "NET WEIGHT (kg)", n(6)),
    one("3102", "NET WEIGHT (kg)", n(6)),
    one("3103", "NET WEIGHT (kg)", n(6)),
    one("3104", "NET WEIGHT (kg)", n(6)),
    one("3105", "NET WEIGHT (kg)", n(6)),
    one("3300", "GROSS WEIGHT (kg)", n(6)),
    one("3301", "GROSS WEIGHT (kg)", n(6)),
    one("3302", "GROSS WEIGHT (kg)", n(6)),
    one("3303", "GROSS WEIGHT (kg)", n(6)),
    one("3304", "GROSS WEIGHT (kg)", n(6)),
    one("3305", "GROSS WEIGHT (kg)", n(6)),
    one("37", "COUNT", n_var(8)),
    one("400", "ORDER NUMBER", x_var(30)),
    one("401", "GINC", x_var(30)),
    one("403", "ROUTE", x_var(30)),
    one("410", "SHIP TO LOC", n(13, Gs1Lint::check_digit)),
    one("411", "BILL TO", n(13, Gs1Lint::check_digit)),
    one("412", "PURCHASE FROM", n(13, Gs1Lint::check_digit)),
    one("413", "SHIP FOR LOC", n(13, Gs1Lint::check_digit)),
    one("414", "LOC No.", n(13, Gs1Lint::check_digit)),
    one("415", "PAY TO", n(13, Gs1Lint::check_digit)),
    one("416", "PROD/SERV LOC", n(13, Gs1Lint::check_digit)),
    one("417", "PARTY", n(13, Gs1Lint::check_digit)),
    one("420", "SHIP TO POST", x_var(20)),
    two("421", "SHIP TO POST", n(3), Gs1Component{'X', 1, 9, Gs1Lint::none}),
    one("422", "ORIGIN", n(3)),
    one("7003", "EXPIRY TIME", n(10, Gs1Lint::datetime)),
};

struct PredefinedRow {
  std::string_view prefix;
  int length;  // AI digits + value digits, as in the GS1 table
};

// GS1 General Specifications Figure 7.8.4-2 (23 was removed from the table).
constexpr PredefinedRow kPredefined[] = {
    {"00", 20}, {"01", 16}, {"02", 16}, {"03", 16}, {"04", 18}, {"11", 8},  {"12", 8},
    {"13", 8},  {"14", 8},  {"15", 8},  {"16", 8},  {"17", 8},  {"18", 8},  {"19", 8},
    {"20", 4},  {"31", 10}, {"32", 10}, {"33", 10}, {"34", 10}, {"35", 10}, {"36", 10},
    {"41", 16},
};

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

Gs1ValueCheck fail(Gs1ValueFault fault, std::string detail) { return {fault, std::move(detail)}; }

Gs1ValueCheck check_component(const Gs1AiSpec& spec, const Gs1Component& part, std::string_view text,
                              int current_year) {
  if (part.charset == 'N') {
    for (char c : text)
      if (c < '0' || c > '9')
        return fail(Gs1ValueFault::bad_charset, fmt::format("({}) must be digits only", spec.ai));
  } else {
    for (char c : text)
      if (!is_cset82(c))
        return fail(Gs1ValueFault::bad_charset,
                    fmt::format("({}) character 0x{:02X} is not in GS1 CSET 82", spec.ai,
                                static_cast<unsigned char>(c)));
  }
  switch (part.lint) {
    case Gs1Lint::none:
      break;
    case Gs1Lint::check_digit:
      if (!gs1_check_digit_ok(text))
        return fail(Gs1ValueFault::bad_check_digit,
                    fmt::format("({}) {} check digit should be {}", spec.ai, text,
                                gs1_check_digit(text.substr(0, text.size() - 1))));
      break;
    case Gs1Lint::date_yymmd0:
      if (!parse_gs1_date(text, current_year, true))
        return fail(Gs1ValueFault::bad_date, fmt::format("({}) {} is not a valid YYMMDD date", spec.ai, text));
      break;
    case Gs1Lint::datetime: {
      const int hours = (text[6] - '0') * 10 + (text[7] - '0');
      const int minutes = (text[8] - '0') * 10 + (text[9] - '0');
      if (!parse_gs1_date(text.substr(0, 6), current_year, false) || hours > 23 || minutes > 59)
        return fail(Gs1ValueFault::bad_date,
                    fmt::format("({}) {} is not a valid YYMMDDhhmm date and time", spec.ai, text));
      break;
    }
  }
  return {};
}

}  // namespace

int Gs1AiSpec::min_length() const noexcept {
  int total = 0;
  for (int i = 0; i < part_count; ++i) total += parts[i].min_length;
  return total;
}

int Gs1AiSpec::max_length() const noexcept {
  int total = 0;
  for (int i = 0; i < part_count; ++i) total += parts[i].max_length;
  return total;
}

const Gs1AiSpec* find_ai(std::string_view ai) noexcept {
  for (const auto& spec : kDictionary)
    if (spec.ai == ai) return &spec;
  return nullptr;
}

const Gs1AiSpec* find_ai_prefix(std::string_view digits) noexcept {
  for (std::size_t length = 2; length <= 4 && length <= digits.size(); ++length) {
    const auto candidate = digits.substr(0, length);
    if (!all_digits(candidate)) return nullptr;
    if (const auto* spec = find_ai(candidate)) return spec;
  }
  return nullptr;
}

std::optional<int> predefined_length(std::string_view ai) noexcept {
  if (ai.size() < 2) return std::nullopt;
  for (const auto& row : kPredefined)
    if (row.prefix == ai.substr(0, 2)) return row.length - static_cast<int>(ai.size());
  return std::nullopt;
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

Gs1ValueCheck check_ai_value(const Gs1AiSpec& spec, std::string_view value, int current_year) {
  const auto length = static_cast<int>(value.size());
  if (length < spec.min_length() || length > spec.max_length()) {
    const auto expected = spec.fixed_length()
                              ? fmt::format("{}", spec.min_length())
                              : fmt::format("{} to {}", spec.min_length(), spec.max_length());
    return fail(Gs1ValueFault::bad_length,
                fmt::format("({}) has {} characters, expected {}", spec.ai, length, expected));
  }
  std::size_t at = 0;
  for (int i = 0; i < spec.part_count; ++i) {
    const auto& part = spec.parts[i];
    const bool last = i + 1 == spec.part_count;
    const std::size_t take = last ? value.size() - at : static_cast<std::size_t>(part.max_length);
    auto check = check_component(spec, part, value.substr(at, take), current_year);
    if (check.fault != Gs1ValueFault::none) return check;
    at += take;
  }
  return {};
}

}  // namespace wedge::station
