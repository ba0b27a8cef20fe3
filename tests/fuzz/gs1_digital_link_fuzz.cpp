// libFuzzer target: GS1 Digital Link URIs (parse_digital_link, percent_decode) and the same URI as
// a scan (parse_scan), whatever the bytes. Properties (abort on violation):
// - a URI read as a Digital Link has elements, each with a dictionary AI, and no error; a refused
//   one carries an error and no elements;
// - percent_decode never grows the text and undoes percent-encoding of any bytes;
// - a scan parsed as a Digital Link holds only dictionary AIs whose values pass their own checks.
// The first byte picks a URI prefix (to reach past the scheme and domain quickly) and the AIM id.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/gs1/gs1.hpp"
#include "daemon/gs1/gs1_dictionary.hpp"
#include "daemon/gs1/gs1_digital_link.hpp"

namespace {

using namespace wedge::station;

constexpr std::string_view kPrefixes[] = {"", "https://id.gs1.org/", "http://example.com/shop/",
                                          "HTTPS://d.example/01/09506000134352/"};
constexpr std::string_view kAimIds[] = {"", "]Q1", "]C0", "]d1"};

// Names the broken property's line before aborting, so a finding says which one it broke.
void check(bool condition, int line = __builtin_LINE()) {
  if (condition) return;
  std::fprintf(stderr, "gs1_digital_link_fuzz: property at line %d broken\n", line);
  std::abort();
}

std::string percent_encode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[u >> 4];
    out += kHex[u & 0x0f];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  const auto selector = bytes[0];
  const std::string_view data(reinterpret_cast<const char*>(bytes + 1), size - 1);
  const std::string uri = std::string(kPrefixes[selector % std::size(kPrefixes)]) + std::string(data);

  const auto link = parse_digital_link(uri);
  if (link.error) {
    check(link.elements.empty() || link.is_digital_link);
  } else if (link.is_digital_link) {
    check(!link.elements.empty());
    for (const auto& element : link.elements) check(find_ai(element.ai) != nullptr);
  }

  if (const auto decoded = percent_decode(data)) check(decoded->size() <= data.size());
  const auto round_trip = percent_decode(percent_encode(data));
  check(round_trip && *round_trip == data);

  ParseOptions options;
  options.current_year = 2025;
  const auto scan = parse_scan(uri, kAimIds[(selector >> 4) % std::size(kAimIds)], options);
  if (scan && scan->kind == ScanKind::digital_link) {
    check(!scan->elements.empty());
    for (const auto& element : scan->elements) {
      const auto* spec = find_ai(element.ai);
      check(spec != nullptr);
      check(check_ai_value(*spec, element.ai, element.value, 2025).error().code == Gs1ValueFault::none);
    }
  }
  return 0;
}
