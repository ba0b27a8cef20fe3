// libFuzzer target: the pick list of a pick_list command (parse_pick_list_json), which the OMS
// sends and the stations then work from. The first byte's low bit asks for the shipping data
// (pack and ship stations); the rest is the "data" JSON. Properties (abort on violation): a refused
// list names every issue with a path and a sentence; an accepted one keeps every documented limit
// (lines, quantities, 14-digit GTINs with good check digits, unique GTINs, lots of GS1 (10) length)
// and its expected weight and tolerance are finite and not negative.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/gs1/gs1_dictionary.hpp"
#include "daemon/station/order.hpp"

namespace {

using namespace wedge::station;

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  PickListOptions options;
  options.require_shipping = (data[0] & 1) != 0;
  const std::string_view json(reinterpret_cast<const char*>(data) + 1, size - 1);

  const auto result = parse_pick_list_json("O-1", "pick-1", json, options);
  if (!result) {
    check(!result.error().empty());
    for (const auto& issue : result.error()) check(!issue.path.empty() && !issue.message.empty());
    return 0;
  }
  check(result.error().empty());
  const auto& list = *result;
  check(!list.lines.empty() && list.lines.size() <= kMaxPickLines);
  for (std::size_t i = 0; i < list.lines.size(); ++i) {
    const auto& line = list.lines[i];
    check(!line.sku.empty() && line.qty >= 1 && line.qty <= kMaxLineQty);
    check(line.gtins.size() <= kMaxGtinsPerLine && line.allowed_lots.size() <= kMaxLotsPerLine);
    for (const auto& gtin : line.gtins) {
      check(gtin.size() == 14 && gs1_check_digit_ok(gtin));
      check(list.line_for_gtin(gtin) == static_cast<int>(i));
    }
    for (const auto& lot : line.allowed_lots) check(!lot.empty() && lot.size() <= 20);
    if (line.min_shelf_life_days) check(*line.min_shelf_life_days >= 0 && *line.min_shelf_life_days <= kMaxShelfLifeDays);
  }
  check(std::isfinite(list.expected_weight_grams()) && list.expected_weight_grams() >= 0);
  check(std::isfinite(list.allowed_deviation_grams()) && list.allowed_deviation_grams() >= 0);
  if (options.require_shipping) check(list.ship_to.has_value() && !list.carrier.empty());
  return 0;
}
