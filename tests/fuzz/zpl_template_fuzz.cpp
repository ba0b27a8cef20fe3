// libFuzzer: template parsing never crashes on any text, and filling never lets a value add a
// ZPL command character or a non-printable byte (the injection property).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/print/zpl_template.hpp"

namespace {

long commands(const std::string& zpl) {
  return std::count(zpl.begin(), zpl.end(), '^') + std::count(zpl.begin(), zpl.end(), '~');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);

  // 1. Arbitrary template text: parse, and fill with harmless values when it parses.
  if (auto parsed = wedge::print::ZplTemplate::parse(input, "fuzz")) {
    wedge::print::FieldValues values;
    for (const auto& f : parsed->fields()) values[f] = "1";
    (void)parsed->fill(values);
  }

  // 2. Arbitrary values in a fixed template with both indicator styles and a filter.
  static const auto fixed = *wedge::print::ZplTemplate::parse(
      "^XA^FO1,1^FD{{a}}^FS^FH\\^FDx {{b}} y^FS^BCN^FD{{c|code128}}^FS^XZ", "fixed");
  const auto cut1 = size / 3;
  const auto cut2 = 2 * size / 3;
  wedge::print::FieldValues values{{"a", input.substr(0, cut1)},
                                   {"b", input.substr(cut1, cut2 - cut1)},
                                   {"c", input.substr(cut2)}};
  auto filled = fixed.fill(values);
  if (!filled) {
    values["c"] = "ok";
    filled = fixed.fill(values);
    if (!filled) return 0;  // a value too long: refused, fine
  }
  // Values add no command character to what the template itself has.
  static const long base = commands(*fixed.fill({{"a", ""}, {"b", ""}, {"c", "ok"}}));
  if (commands(*filled) != base) __builtin_trap();
  for (char ch : *filled) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u > 0x7E) __builtin_trap();
  }
  return 0;
}
