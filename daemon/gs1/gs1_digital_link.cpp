#include "daemon/gs1/gs1_digital_link.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "daemon/gs1/gs1_dictionary.hpp"

namespace wedge::station {
namespace {

// A Digital Link primary key: an AI of the table with the kDlPrimaryKey role.
const Gs1AiSpec* find_key(std::string_view segment) {
  const auto* spec = find_ai(segment);
  return spec != nullptr && (spec->role & kDlPrimaryKey) != 0 ? spec : nullptr;
}

std::vector<std::string_view> split(std::string_view text, char separator);

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// True when `qualifiers` (path order) follow one of the key's qualifier sequences ("22 10 21 | 235"),
// each AI at most once and in that sequence's order.
bool qualifiers_allowed(const Gs1AiSpec& key, const std::vector<std::string_view>& qualifiers) {
  if (qualifiers.empty()) return true;
  for (const auto alternative : split(key.dl_path, '|')) {
    std::size_t at = 0;
    const auto sequence = split(trimmed(alternative), ' ');
    for (const auto& sequence_ai : sequence)
      if (at < qualifiers.size() && qualifiers[at] == sequence_ai) ++at;
    if (at == qualifiers.size()) return true;
  }
  return false;
}

// An AI that names a key or one of this key's qualifiers belongs in the path.
bool belongs_in_path(const Gs1AiSpec& key, std::string_view ai) {
  if (find_key(ai) != nullptr) return true;
  for (const auto alternative : split(key.dl_path, '|'))
    for (const auto qualifier : split(trimmed(alternative), ' '))
      if (qualifier == ai) return true;
  return false;
}

bool seen(const std::vector<Gs1Element>& elements, std::string_view ai) {
  return std::any_of(elements.begin(), elements.end(), [ai](const Gs1Element& e) { return e.ai == ai; });
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

DigitalLinkParse fail(DigitalLinkParse parse, Gs1Error code, std::string ai, std::string detail) {
  parse.error = code;
  parse.error_ai = std::move(ai);
  parse.detail = std::move(detail);
  return parse;
}

}  // namespace

bool looks_like_uri(std::string_view text) noexcept {
  auto starts_with_ci = [text](std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  return starts_with_ci("http://") || starts_with_ci("https://");
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

DigitalLinkParse parse_digital_link(std::string_view uri) {
  DigitalLinkParse parse;
  if (!looks_like_uri(uri)) return parse;
  auto rest = uri.substr(uri.find("://") + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::string_view query;
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  const auto slash = rest.find('/');
  const auto host = rest.substr(0, slash);
  if (host.empty()) return parse;  // "https:///01/…" is no URI at all: plain text
  const auto path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  auto segments = split(path, '/');
  const bool trailing_slash = segments.size() > 1 && segments.back().empty();

  // The key AI is the first segment naming one that is followed by a value; anything before it
  // is the resolver's own path prefix (the standard allows one).
  std::size_t key_at = segments.size();
  for (std::size_t i = 0; i + 1 < segments.size(); ++i)
    if (find_key(segments[i]) != nullptr) {
      key_at = i;
      break;
    }
  if (key_at == segments.size()) return parse;
  parse.is_digital_link = true;
  const Gs1AiSpec& key = *find_key(segments[key_at]);
  if (trailing_slash)
    return fail(std::move(parse), Gs1Error::bad_digital_link, "", "the URI path ends with '/'");

  if ((segments.size() - key_at) % 2 != 0)
    return fail(std::move(parse), Gs1Error::bad_digital_link, "",
                "path after the key AI must be AI/value pairs");
  std::vector<std::string_view> qualifiers;
  for (std::size_t i = key_at; i < segments.size(); i += 2) {
    const auto ai = segments[i];
    // "//" in the path: an empty AI would match a key without qualifiers ("" = no sequence), and an
    // empty value is no value; found by gs1_digital_link_fuzz.
    if (ai.empty() || segments[i + 1].empty())
      return fail(std::move(parse), Gs1Error::bad_digital_link, std::string(ai),
                  "the URI path has an empty segment ('//')");
    if (i > key_at) qualifiers.push_back(ai);
    if (!qualifiers_allowed(key, qualifiers))
      return fail(std::move(parse), Gs1Error::bad_digital_link, std::string(ai),
                  fmt::format("'{}' is not a qualifier of ({}) at this place in the path", ai, segments[key_at]));
    auto value = percent_decode(segments[i + 1]);
    if (!value)
      return fail(std::move(parse), Gs1Error::bad_digital_link, std::string(ai),
                  fmt::format("bad percent-escape in the value of ({})", ai));
    if (ai == "01" && (value->size() == 8 || value->size() == 12 || value->size() == 13) &&
        all_digits(*value))
      *value = std::string(14 - value->size(), '0') + *value;  // the standard allows short GTINs
    parse.elements.push_back(Gs1Element{std::string(ai), std::move(*value)});
  }

  if (query.empty()) return parse;
  for (const auto pair : split(query, '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const auto ai = pair.substr(0, equals);
    if (!all_digits(ai)) continue;  // linkType, context, … are not AIs
    const auto* spec = find_ai(ai);
    if (spec == nullptr)
      return fail(std::move(parse), Gs1Error::unknown_ai, std::string(ai),
                  fmt::format("query AI ({}) is not a GS1 AI", ai));
    if (belongs_in_path(key, ai))  // the standard forbids keys and qualifiers in the query
      return fail(std::move(parse), Gs1Error::bad_digital_link, std::string(ai),
                  fmt::format("({}) must be in the URI path, not in the query", ai));
    if ((spec->role & kDlAttribute) == 0)
      return fail(std::move(parse), Gs1Error::bad_digital_link, std::string(ai),
                  fmt::format("({}) is not a Digital Link data attribute", ai));
    if (seen(parse.elements, ai))
      return fail(std::move(parse), Gs1Error::bad_digital_link, std::string(ai),
                  fmt::format("({}) appears twice in the URI", ai));
    auto value = percent_decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!value)
      return fail(std::move(parse), Gs1Error::bad_digital_link, std::string(ai),
                  fmt::format("bad percent-escape in the value of ({})", ai));
    parse.elements.push_back(Gs1Element{std::string(ai), std::move(*value)});
  }
  return parse;
}

}  // namespace wedge::station
