#include "daemon/gs1/gs1.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "daemon/gs1/gs1_dictionary.hpp"
#include "daemon/gs1/gs1_digital_link.hpp"
#include "daemon/gs1/gs1_rules.hpp"

namespace wedge::station {
namespace {

constexpr char kGs = '\x1D';

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

ScanError make_error(Gs1Error code, std::string ai, std::string detail) {
  return ScanError{code, std::move(ai), std::move(detail), std::string(picker_sentence(code))};
}

Gs1Error to_error(Gs1ValueFault fault) {
  switch (fault) {
    case Gs1ValueFault::bad_length: return Gs1Error::bad_length;
    case Gs1ValueFault::bad_charset: return Gs1Error::bad_charset;
    case Gs1ValueFault::bad_check_digit: return Gs1Error::bad_check_digit;
    case Gs1ValueFault::bad_date: return Gs1Error::bad_date;
    case Gs1ValueFault::none: break;
  }
  return Gs1Error::bad_length;
}

// How the AIM identifier tells us to read the data.
enum class Route { element_string, ean, itf, other, none };

Route route_for(std::string_view aim) {
  if (aim.empty()) return Route::none;
  if (aim == "]C1" || aim == "]e0" || aim == "]d2" || aim == "]Q3" || aim == "]J1") return Route::element_string;
  if (aim[1] == 'E') return Route::ean;
  if (aim[1] == 'I') return Route::itf;
  return Route::other;
}

std::optional<ScanError> check_value(const Gs1AiSpec& spec, std::string_view ai, std::string_view value, int year) {
  auto check = check_ai_value(spec, ai, value, year);
  if (check) return std::nullopt;
  auto fault = check.error();
  return make_error(to_error(fault.code), std::string(ai), std::move(fault.reason));
}

struct ElementStringParse {
  std::vector<Gs1Element> elements;
  std::optional<ScanError> error;
  bool last_ran_to_end = false;  // the last element is variable-length and no GS ended it
  bool trailing_gs = false;      // one GS after the last element (only with tolerate_trailing_gs)
};

ScanError separator_error(std::string detail) {
  return make_error(Gs1Error::bad_separator, "", std::move(detail));
}

// Reads "AI value [GS] AI value …" (GS1 General Specifications §7.8.5). `only_predefined` limits
// the read to predefined-length AIs (used by the missing-separator heuristic).
ElementStringParse read_element_string(std::string_view s, int year, bool tolerate_trailing_gs,
                                       bool only_predefined = false) {
  ElementStringParse out;
  if (!s.empty() && s[0] == kGs) {
    out.error = separator_error("a GS before the first AI (FNC1 in first position is not transmitted)");
    return out;
  }
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto* spec = find_ai_prefix(s.substr(pos));
    if (spec == nullptr || (only_predefined && !spec->predefined())) {
      auto shown = s.substr(pos, 4);
      out.error = make_error(Gs1Error::unknown_ai, std::string(shown),
                             fmt::format("no known AI at offset {} ('{}')", pos, shown));
      return out;
    }
    const auto ai = s.substr(pos, spec->ai_length());
    pos += ai.size();
    std::string_view value;
    out.last_ran_to_end = false;
    if (spec->fixed_length()) {
      const auto length = static_cast<std::size_t>(spec->max_length());
      value = s.substr(pos, length);
      if (const auto gs = value.find(kGs); gs != std::string_view::npos) value = value.substr(0, gs);
      pos += value.size();
      if (value.size() == length && pos < s.size() && s[pos] != kGs && !spec->predefined()) {
        out.error = make_error(Gs1Error::missing_separator, std::string(ai),
                               fmt::format("({}) is not of predefined length: a GS must follow it", ai));
        return out;
      }
    } else {
      const auto gs = s.find(kGs, pos);
      value = s.substr(pos, gs == std::string_view::npos ? std::string_view::npos : gs - pos);
      pos += value.size();
      out.last_ran_to_end = gs == std::string_view::npos;
      if (gs == std::string_view::npos && static_cast<int>(value.size()) > spec->max_length()) {
        out.error = make_error(Gs1Error::missing_separator, std::string(ai),
                               fmt::format("({}) runs on for {} characters (max {}) without a GS", ai,
                                           value.size(), spec->max_length()));
        return out;
      }
    }
    if (auto error = check_value(*spec, ai, value, year)) {
      out.error = std::move(error);
      return out;
    }
    out.elements.push_back(Gs1Element{std::string(ai), std::string(value)});
    if (pos < s.size() && s[pos] == kGs) {  // the one separator before the next AI
      ++pos;
      if (pos < s.size() && s[pos] == kGs) {
        out.error = separator_error(fmt::format("two GS in a row after ({})", ai));
        return out;
      }
      if (pos == s.size()) {
        if (!tolerate_trailing_gs) {
          out.error = separator_error(fmt::format("a GS after the last element ({})", ai));
          return out;
        }
        out.trailing_gs = true;
      }
    }
  }
  return out;
}

// A scanner that drops GS turns "10LOT42<GS>3103001250" into a valid-looking lot
// "LOT423103001250". GS1 syntax cannot tell; flag a last variable-length value whose tail reads
// as complete predefined-length elements.
bool tail_looks_like_elements(std::string_view value, int year) {
  for (std::size_t at = 1; at + 4 <= value.size(); ++at) {
    const auto tail = value.substr(at);
    if (tail[0] < '0' || tail[0] > '9') continue;
    const auto parse = read_element_string(tail, year, false, true);
    if (!parse.error && !parse.elements.empty()) return true;
  }
  return false;
}

// "(01)09506000134352(10)LOT42": the AI in parentheses starts each element; a '(' that does not
// open a known AI belongs to the value (parentheses are CSET 82 characters).
std::optional<ScanError> read_bracketed(std::string_view s, int year, std::vector<Gs1Element>& elements) {
  auto ai_at = [s](std::size_t pos) -> std::string_view {
    if (pos >= s.size() || s[pos] != '(') return {};
    const auto close = s.find(')', pos);
    if (close == std::string_view::npos) return {};
    const auto ai = s.substr(pos + 1, close - pos - 1);
    return find_ai(ai) != nullptr ? ai : std::string_view();
  };
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto ai = ai_at(pos);
    if (ai.empty()) {
      const auto close = s.find(')', pos);
      const auto shown = s.substr(pos + 1, close == std::string_view::npos ? 4 : close - pos - 1);
      return make_error(Gs1Error::unknown_ai, std::string(shown), fmt::format("'({})' is not a known AI", shown));
    }
    pos += ai.size() + 2;
    std::size_t end = pos;
    while (end < s.size() && ai_at(end).empty()) ++end;
    const auto value = s.substr(pos, end - pos);
    if (auto error = check_value(*find_ai(ai), ai, value, year)) return error;
    elements.push_back(Gs1Element{std::string(ai), std::string(value)});
    pos = end;
  }
  return std::nullopt;
}

// Repeated, exclusive and requisite AIs (gs1_rules.hpp), over the whole scan.
std::optional<ScanError> check_associations(ParsedScan& scan, const ParseOptions& options) {
  auto violation = merge_repeated_ais(scan.elements);
  bool assumed_sscc = false;
  if (!violation) violation = check_ai_pairings(scan.elements, options.sscc_on_other_symbol, assumed_sscc);
  if (violation) return make_error(violation->code, std::move(violation->ai), std::move(violation->detail));
  if (assumed_sscc) scan.warnings.emplace_back("sscc_on_other_symbol");
  return std::nullopt;
}

std::int64_t to_int(std::string_view digits) {
  std::int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

void fill_views(ParsedScan& scan, int year) {
  for (const auto& element : scan.elements) {
    const auto& ai = element.ai;
    const auto& value = element.value;
    if (ai == "01") scan.gtin = value;
    else if (ai == "02") scan.content_gtin = value;
    else if (ai == "00") scan.sscc = value;
    else if (ai == "10") scan.lot = value;
    else if (ai == "21") scan.serial = value;
    else if (ai == "11") scan.production_date = parse_gs1_date(value, year, true);
    else if (ai == "15") scan.best_before = parse_gs1_date(value, year, true);
    else if (ai == "17") scan.expiry = parse_gs1_date(value, year, true);
    else if (ai == "37") scan.count = to_int(value);
    else if (ai == "30") scan.variable_count = to_int(value);
    else if (ai.size() == 4 && ai.substr(0, 3) == "310") {
      std::int64_t scale = 1;
      for (int i = ai[3] - '0'; i < 6; ++i) scale *= 10;
      scan.net_weight_mg = to_int(value) * scale;
    }
  }
}

struct Context {
  int year = 0;
  const ParseOptions& options;
};

// Value checks, association rules and views for elements read from a URI or bracketed text.
ParseResult finish(ParsedScan scan, const Context& context, bool values_checked) {
  if (!values_checked)
    for (const auto& element : scan.elements) {
      const auto* spec = find_ai(element.ai);
      if (spec == nullptr)
        return make_error(Gs1Error::unknown_ai, element.ai, fmt::format("({}) is not a GS1 AI", element.ai));
      if (auto error = check_value(*spec, element.ai, element.value, context.year))
        return std::move(*error);
    }
  if (auto error = check_associations(scan, context.options)) return std::move(*error);
  fill_views(scan, context.year);
  return scan;
}

ParseResult refuse(Gs1Error code, std::string ai, std::string detail) {
  return make_error(code, std::move(ai), std::move(detail));
}

ParseResult parse_gtin(ParsedScan scan, std::string_view digits, const Context& context) {
  if (!all_digits(digits)) return refuse(Gs1Error::bad_charset, "01", "a GTIN must be digits only");
  if (digits.size() != 8 && digits.size() != 12 && digits.size() != 13 && digits.size() != 14)
    return refuse(Gs1Error::bad_length, "01", fmt::format("{} digits is not a GTIN-8/12/13/14", digits.size()));
  if (!gs1_check_digit_ok(digits))
    return refuse(Gs1Error::bad_check_digit, "01",
                  fmt::format("GTIN {} check digit should be {}", digits,
                              gs1_check_digit(digits.substr(0, digits.size() - 1))));
  scan.kind = ScanKind::gtin;
  scan.elements.push_back(Gs1Element{"01", std::string(14 - digits.size(), '0') + std::string(digits)});
  return finish(std::move(scan), context, true);
}

// ]E0…]E4 (EAN/UPC, ISO/IEC 15424): the modifier fixes how many digits the symbol holds.
ParseResult parse_ean(ParsedScan scan, std::string_view data, const Context& context) {
  const char modifier = scan.aim_id[2];
  auto mismatch = [&](std::string_view expected) {
    return refuse(Gs1Error::symbology_mismatch, "",
                  fmt::format("{} carries {}, not {} characters{}", scan.aim_id, expected, data.size(),
                              all_digits(data) ? "" : " with non-digits"));
  };
  const bool digits = all_digits(data);
  switch (modifier) {
    case '0':
      if (!digits || data.size() != 13) return mismatch("13 digits (EAN-13, UPC-A with a leading 0)");
      return parse_gtin(std::move(scan), data, context);
    case '4':
      if (!digits || data.size() != 8) return mismatch("8 digits (EAN-8)");
      return parse_gtin(std::move(scan), data, context);
    case '3':  // EAN-13 + add-on: the add-on (issue number, price) is not part of the GTIN
      if (!digits || (data.size() != 15 && data.size() != 18))
        return mismatch("15 or 18 digits (EAN-13 with a 2- or 5-digit add-on)");
      return parse_gtin(std::move(scan), data.substr(0, 13), context);
    case '1':
    case '2':  // an add-on read alone: no GTIN, plain text for the caller
      if (!digits || data.size() != (modifier == '1' ? 2U : 5U)) return mismatch("a 2- or 5-digit add-on");
      return scan;
    default:
      return mismatch("EAN/UPC data (modifiers 0 to 4)");
  }
}

ParseResult parse_elements(ParsedScan scan, std::string_view data, const Context& context) {
  auto read = read_element_string(data, context.year, context.options.tolerate_trailing_gs);
  if (read.error) return std::move(*read.error);
  if (read.elements.empty()) return refuse(Gs1Error::empty_scan, "", "only separators");
  if (read.last_ran_to_end && tail_looks_like_elements(read.elements.back().value, context.year))
    scan.warnings.emplace_back("possible_missing_separator");
  if (read.trailing_gs) scan.warnings.emplace_back("trailing_separator");
  scan.kind = ScanKind::element_string;
  scan.elements = std::move(read.elements);
  return finish(std::move(scan), context, true);
}

ParseResult parse_uri(ParsedScan scan, std::string_view data, const Context& context) {
  auto link = parse_digital_link(data);
  if (!link.is_digital_link) return scan;  // some other URL: plain text
  if (link.error) return refuse(*link.error, link.error_ai, link.detail);
  scan.kind = ScanKind::digital_link;
  scan.elements = std::move(link.elements);
  return finish(std::move(scan), context, false);
}

// Bare element strings from a scanner that sends no AIM identifier: only data that starts the way
// GS1 logistic and trade item labels do — (00) (01) (02) with 16+ digits — is read as GS1.
bool looks_like_bare_element_string(std::string_view data) {
  if (data.size() < 16 || !all_digits(data.substr(0, 16))) return false;
  const auto ai = data.substr(0, 2);
  return ai == "00" || ai == "01" || ai == "02";
}

int current_year_or_clock(const ParseOptions& options) {
  return options.current_year != 0 ? options.current_year : today_utc().year;
}

}  // namespace

std::string_view to_string(Gs1Error code) noexcept {
  switch (code) {
    case Gs1Error::empty_scan: return "empty_scan";
    case Gs1Error::bad_check_digit: return "bad_check_digit";
    case Gs1Error::bad_date: return "bad_date";
    case Gs1Error::unknown_ai: return "unknown_ai";
    case Gs1Error::bad_length: return "bad_length";
    case Gs1Error::bad_charset: return "bad_charset";
    case Gs1Error::missing_separator: return "missing_separator";
    case Gs1Error::missing_ai: return "missing_ai";
    case Gs1Error::conflicting_ai: return "conflicting_ai";
    case Gs1Error::bracketed_text: return "bracketed_text";
    case Gs1Error::bad_digital_link: return "bad_digital_link";
    case Gs1Error::exclusive_ais: return "gs1_exclusive_ais";
    case Gs1Error::bad_separator: return "gs1_separator";
    case Gs1Error::symbology_mismatch: return "symbology_mismatch";
  }
  return "unknown";
}

std::string_view picker_sentence(Gs1Error code) noexcept {
  switch (code) {
    case Gs1Error::empty_scan: return "Nothing was read: scan the barcode again.";
    case Gs1Error::bad_check_digit: return "Barcode check digit is wrong: scan again or use another label.";
    case Gs1Error::bad_date: return "Barcode holds an impossible date: set the item aside and call a supervisor.";
    case Gs1Error::unknown_ai: return "Barcode holds data this station cannot read: scan the item's product barcode.";
    case Gs1Error::bad_length: return "Barcode data has the wrong length: scan again or use another label.";
    case Gs1Error::bad_charset: return "Barcode holds characters that are not allowed: scan again or use another label.";
    case Gs1Error::missing_separator:
      return "Barcode fields run together (separator missing): check the scanner's GS setting and scan again.";
    case Gs1Error::missing_ai: return "Barcode is incomplete: scan the item's product barcode.";
    case Gs1Error::conflicting_ai: return "Barcode contradicts itself: set the item aside and call a supervisor.";
    case Gs1Error::bracketed_text: return "That is the printed text, not the barcode: scan the barcode itself.";
    case Gs1Error::bad_digital_link: return "QR code link cannot be read: scan the item's other barcode.";
    case Gs1Error::exclusive_ais: return "Barcode holds data that must not go together: set the item aside and call a supervisor.";
    case Gs1Error::bad_separator:
      return "Barcode fields are separated wrongly: check the scanner's GS setting and scan again.";
    case Gs1Error::symbology_mismatch: return "Barcode type does not fit its data: scan again or use another label.";
  }
  return "Barcode cannot be read: scan again.";
}

std::string_view to_string(ScanKind kind) noexcept {
  switch (kind) {
    case ScanKind::gtin: return "gtin";
    case ScanKind::element_string: return "element_string";
    case ScanKind::digital_link: return "digital_link";
    case ScanKind::text: return "text";
  }
  return "text";
}

const std::string* ParsedScan::find(std::string_view ai) const {
  for (const auto& element : elements)
    if (element.ai == ai) return &element.value;
  return nullptr;
}

std::string ParsedScan::bracketed() const {
  std::string out;
  for (const auto& element : elements) out += "(" + element.ai + ")" + element.value;
  return out;
}

std::optional<std::string> normalise_gtin(std::string_view digits) {
  if (!all_digits(digits)) return std::nullopt;
  if (digits.size() != 8 && digits.size() != 12 && digits.size() != 13 && digits.size() != 14) return std::nullopt;
  if (!gs1_check_digit_ok(digits)) return std::nullopt;
  return std::string(14 - digits.size(), '0') + std::string(digits);
}

ParseResult parse_scan(std::string_view data, std::string_view aim_id, const ParseOptions& options) {
  const int year = current_year_or_clock(options);
  ParsedScan scan;
  if (aim_id.empty() && data.size() >= 3 && data[0] == ']' && is_alnum(data[1]) && is_alnum(data[2])) {
    aim_id = data.substr(0, 3);
    data = data.substr(3);
  }
  scan.aim_id = std::string(aim_id);
  scan.text = std::string(data);
  if (data.empty() || std::all_of(data.begin(), data.end(), [](char c) { return c == kGs; }))
    return make_error(Gs1Error::empty_scan, "", "no data");

  const Context context{year, options};
  if (data.size() >= 3 && data[0] == '(' && data[1] >= '0' && data[1] <= '9') {
    if (!options.accept_bracketed_text)
      return refuse(Gs1Error::bracketed_text, "", "AIs in parentheses: human-readable text, not encoded GS1 data");
    scan.kind = ScanKind::element_string;
    scan.from_bracketed_text = true;
    if (auto error = read_bracketed(data, year, scan.elements)) return std::move(*error);
    return finish(std::move(scan), context, true);
  }

  switch (route_for(scan.aim_id)) {
    case Route::element_string:
      if (data[0] != kGs && (data.size() < 2 || !all_digits(data.substr(0, 2))))
        return refuse(Gs1Error::symbology_mismatch, "",
                      fmt::format("{} carries a GS1 element string, and the data does not start with an AI",
                                  scan.aim_id));
      return parse_elements(std::move(scan), data, context);
    case Route::ean:
      return parse_ean(std::move(scan), data, context);
    case Route::itf:
      if (data.size() != 14) return scan;  // ITF, not ITF-14
      return parse_gtin(std::move(scan), data, context);
    case Route::other:
      if (looks_like_uri(data)) return parse_uri(std::move(scan), data, context);
      return scan;
    case Route::none:
      break;
  }
  if (looks_like_uri(data)) return parse_uri(std::move(scan), data, context);
  if (all_digits(data) && (data.size() == 8 || data.size() == 12 || data.size() == 13 || data.size() == 14))
    return parse_gtin(std::move(scan), data, context);
  if (data.find(kGs) != std::string_view::npos || looks_like_bare_element_string(data))
    return parse_elements(std::move(scan), data, context);
  return scan;
}

}  // namespace wedge::station
