// libFuzzer target: parse_scan and check_scan must accept any bytes without crashing, and what
// they return must be self-consistent: every element of a parsed scan is a dictionary AI whose
// value passes its own checks, a GTIN is 14 digits with a good check digit, every error and every
// refusal carries a code and a sentence. The first input byte picks the AIM identifier and options.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/gs1/gs1.hpp"
#include "daemon/gs1/gs1_dictionary.hpp"
#include "daemon/station/scan_check.hpp"

namespace {

using namespace wedge::station;

constexpr std::string_view kAimIds[] = {"", "]C1", "]C0", "]d2", "]Q3", "]Q1", "]E0", "]E3", "]E4", "]I1", "]e0", "]d1"};

const PickList& order() {
  static const PickList kOrder = [] {
    PickList pick;
    pick.order_id = "O-F";
    pick.station = "st1";
    pick.ship_date = CalendarDate{2025, 6, 16};
    OrderLine a;
    a.sku = "A-1";
    a.gtins = {"09506000134352"};
    a.qty = 20;
    a.allowed_lots = {"LOT42"};
    OrderLine b;
    b.sku = "B-7";
    b.gtins = {"04006381333931"};
    b.qty = 2;
    b.capture_serials = true;
    b.min_shelf_life_days = 30;
    pick.lines = {a, b};
    return pick;
  }();
  return kOrder;
}

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  const auto selector = bytes[0];
  const std::string_view data(reinterpret_cast<const char*>(bytes + 1), size - 1);
  const auto aim = kAimIds[selector % std::size(kAimIds)];
  ParseOptions options;
  options.current_year = 2025;
  options.accept_bracketed_text = (selector & 0x80) != 0;
  options.tolerate_trailing_gs = (selector & 0x40) != 0;
  options.sscc_on_other_symbol = (selector & 0x20) != 0;

  const auto result = parse_scan(data, aim, options);
  if (result) {
    const auto& scan = *result;
    if (scan.kind != ScanKind::text) check(!scan.elements.empty());
    for (const auto& element : scan.elements) {
      const auto* spec = find_ai(element.ai);
      check(spec != nullptr);
      check(check_ai_value(*spec, element.ai, element.value, 2025).error().code == Gs1ValueFault::none);
    }
    if (!scan.gtin.empty()) check(scan.gtin.size() == 14 && gs1_check_digit_ok(scan.gtin));
  } else {
    check(!result.error().message.empty() && result.error().message == picker_sentence(result.error().code));
  }

  PickState state;
  state.lines.resize(2);
  CheckOptions check_options;
  check_options.today = CalendarDate{2025, 6, 15};
  check_options.sku_aliases = {{"ALIAS", "B-7"}};
  check_options.accept_bracketed_text = options.accept_bracketed_text;
  check_options.tolerate_trailing_gs = options.tolerate_trailing_gs;
  check_options.sscc_on_other_symbol = options.sscc_on_other_symbol;
  auto decision = check_scan(order(), state, data, aim, check_options);
  check(!decision.code.empty() && !decision.message.empty());
  if (decision.accepted()) {
    check(decision.line >= 0 && decision.line < 2 && decision.qty > 0);
    record_pick(state, decision);
    check(state.lines[static_cast<std::size_t>(decision.line)].picked == decision.qty);
  }
  return 0;
}
