#include "daemon/station/scan_check.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wedge::station {
namespace {

struct Sentence {
  std::string_view code;
  std::string_view text;
};

constexpr Sentence kSentences[] = {
    {"accepted", "Accepted."},
    {"unknown_barcode", "Unknown barcode: scan the product barcode on the item."},
    {"not_an_item", "This barcode is not a product: scan the barcode on the item itself."},
    {"wrong_item", "Wrong item: this product is not on this order. Put it back."},
    {"zero_quantity", "This barcode counts zero items: scan the item's own barcode."},
    {"over_pick", "Too many: this line is already complete. Put the item back."},
    {"expired", "Expired item: do not pick it. Set it aside and pick another."},
    {"shelf_life_too_short", "Date too close for this order: pick an item with a later date."},
    {"date_missing", "This item needs its date: scan the barcode that shows the expiry date."},
    {"lot_not_allowed", "Wrong lot for this order: pick an item from an allowed lot."},
    {"lot_missing", "This item needs its lot: scan the barcode that shows the lot number."},
    {"serial_missing", "Serial number needed: scan the barcode with the serial number."},
    {"serial_duplicate", "This serial number was already scanned: scan the next item."},
    {"serial_in_other_order", "This unit was already picked for another order: set it aside and call a supervisor."},
};

ScanDecision refuse(ScanDecision decision, std::string_view code, std::string detail) {
  decision.verdict = Verdict::refused;
  decision.code = std::string(code);
  decision.message = std::string(refusal_sentence(code));
  decision.detail = std::move(detail);
  return decision;
}

std::int64_t picked_on(const PickState& state, int line) {
  return static_cast<std::size_t>(line) < state.lines.size() ? state.lines[static_cast<std::size_t>(line)].picked : 0;
}

bool serial_seen(const PickState& state, int line, const std::string& serial) {
  if (static_cast<std::size_t>(line) >= state.lines.size()) return false;
  return state.lines[static_cast<std::size_t>(line)].serials.count(serial) != 0;
}

// The scanned text without an AIM identifier the scanner left in the data.
std::string_view without_aim(std::string_view data, std::string_view aim_id) {
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (aim_id.empty() && data.size() >= 3 && data[0] == ']' && alnum(data[1]) && alnum(data[2])) return data.substr(3);
  return data;
}

ScanDecision accept(ScanDecision decision) {
  decision.verdict = Verdict::accepted;
  decision.code = "accepted";
  decision.message = std::string(refusal_sentence("accepted"));
  decision.detail = fmt::format("{} x {} on line {}", decision.qty, decision.sku, decision.line);
  return decision;
}

// Steps 3 to 6 of the header, for a scan that named `line`.
ScanDecision check_line(const PickList& order, const PickState& state, ScanDecision decision,
                        const CheckOptions& options) {
  const auto& line = order.lines[static_cast<std::size_t>(decision.line)];
  decision.sku = line.sku;
  const std::int64_t open = line.qty - picked_on(state, decision.line);
  if (decision.qty <= 0) return refuse(std::move(decision), "zero_quantity", "the barcode counts 0 units");
  if (decision.qty > open)
    return refuse(std::move(decision), "over_pick",
                  fmt::format("line {} ({}): {} ordered, {} picked, scan counts {}", decision.line, line.sku,
                              line.qty, line.qty - open, decision.qty));
  if (decision.scan) {
    const auto& scan = *decision.scan;
    if (scan.expiry && *scan.expiry < options.today)
      return refuse(std::move(decision), "expired",
                    fmt::format("expiry {} is before today {}", scan.expiry->iso(), options.today.iso()));
    const auto item_date = scan.expiry ? scan.expiry : scan.best_before;
    const int min_days = line.min_shelf_life_days.value_or(options.default_min_shelf_life_days);
    decision.expiry = item_date;
    if (item_date) {
      const auto base = order.ship_date ? std::max(*order.ship_date, options.today) : options.today;
      const auto needed = base.plus_days(min_days);
      if (*item_date < needed)
        return refuse(std::move(decision), "shelf_life_too_short",
                      fmt::format("date {} is before {} (ship {} + {} days)", item_date->iso(), needed.iso(),
                                  base.iso(), min_days));
    } else if (line.min_shelf_life_days) {
      return refuse(std::move(decision), "date_missing",
                    fmt::format("line {} ({}) needs {} days of shelf life and the scan has no (17) or (15)",
                                decision.line, line.sku, min_days));
    }
  }
  if (!line.allowed_lots.empty()) {
    if (decision.lot.empty())
      return refuse(std::move(decision), "lot_missing",
                    fmt::format("line {} ({}) allows only some lots and the scan has no (10)", decision.line, line.sku));
    if (std::find(line.allowed_lots.begin(), line.allowed_lots.end(), decision.lot) == line.allowed_lots.end())
      return refuse(std::move(decision), "lot_not_allowed",
                    fmt::format("lot {} is not allowed on line {} ({})", decision.lot, decision.line, line.sku));
  }
  if (line.capture_serials && decision.serial.empty())
    return refuse(std::move(decision), "serial_missing",
                  fmt::format("line {} ({}) captures serial numbers and the scan has no (21)", decision.line, line.sku));
  if (!decision.serial.empty() && serial_seen(state, decision.line, decision.serial))
    return refuse(std::move(decision), "serial_duplicate",
                  fmt::format("serial {} was already picked on line {} ({})", decision.serial, decision.line, line.sku));
  if (!decision.serial.empty() && !decision.gtin.empty() && options.serial_owner) {
    const auto other = options.serial_owner(decision.gtin, decision.serial);
    if (other && *other != order.order_id) {
      auto refused = refuse(std::move(decision), "serial_in_other_order", {});
      refused.detail = fmt::format("serial {} of GTIN {} was picked in order {}", refused.serial, refused.gtin, *other);
      refused.message += fmt::format(" (order {})", *other);
      return refused;
    }
  }
  return accept(std::move(decision));
}

}  // namespace

std::string_view refusal_sentence(std::string_view code) noexcept {
  for (const auto& sentence : kSentences)
    if (sentence.code == code) return sentence.text;
  return "Scan refused.";
}

ScanDecision check_scan(const PickList& order, const PickState& state, std::string_view data,
                        std::string_view aim_id, const CheckOptions& options) {
  ScanDecision decision;
  const auto text = std::string(without_aim(data, aim_id));

  // 1. Configured aliases and the SKU itself, before GS1: an alias may look like a bad GTIN.
  std::string sku;
  if (const auto alias = options.sku_aliases.find(text); alias != options.sku_aliases.end()) sku = alias->second;
  else if (order.line_for_sku(text) >= 0) sku = text;
  if (!sku.empty()) {
    decision.line = order.line_for_sku(sku);
    decision.sku = sku;
    decision.qty = 1;
    if (decision.line < 0)
      return refuse(std::move(decision), "wrong_item", fmt::format("SKU {} is not on order {}", sku, order.order_id));
    return check_line(order, state, std::move(decision), options);
  }

  ParseOptions parse_options;
  parse_options.current_year = options.current_year != 0 ? options.current_year : options.today.year;
  parse_options.accept_bracketed_text = options.accept_bracketed_text;
  parse_options.tolerate_trailing_gs = options.tolerate_trailing_gs;
  parse_options.sscc_on_other_symbol = options.sscc_on_other_symbol;
  auto parsed = parse_scan(data, aim_id, parse_options);
  if (!parsed) {
    auto error = parsed.error();
    decision.code = std::string(to_string(error.code));
    decision.message = std::move(error.message);
    decision.detail = std::move(error.detail);
    return decision;
  }
  const auto& scan = *parsed;
  decision.warnings = scan.warnings;
  decision.lot = scan.lot;
  decision.serial = scan.serial;
  decision.gtin = !scan.gtin.empty() ? scan.gtin : scan.content_gtin;
  decision.scan = std::move(*parsed);

  // 2. An item key.
  if (decision.scan->kind == ScanKind::text)
    return refuse(std::move(decision), "unknown_barcode",
                  fmt::format("'{}' is neither GS1 nor a known SKU or alias", text));
  if (decision.gtin.empty())
    return refuse(std::move(decision), "not_an_item",
                  fmt::format("{} holds no GTIN", decision.scan->bracketed()));
  decision.line = order.line_for_gtin(decision.gtin);
  if (decision.line < 0)
    return refuse(std::move(decision), "wrong_item",
                  fmt::format("GTIN {} is not on order {}", decision.gtin, order.order_id));
  // 3. (37) counts the trade items in a logistic unit, (30) a variable count; else one unit.
  const auto& counted = decision.scan->count ? decision.scan->count : decision.scan->variable_count;
  decision.qty = counted.value_or(1);
  return check_line(order, state, std::move(decision), options);
}

void record_pick(PickState& state, const ScanDecision& decision) {
  if (!decision.accepted() || decision.line < 0) return;
  const auto index = static_cast<std::size_t>(decision.line);
  if (state.lines.size() <= index) state.lines.resize(index + 1);
  state.lines[index].picked += decision.qty;
  if (!decision.serial.empty()) state.lines[index].serials.insert(decision.serial);
  if (!decision.lot.empty()) state.lines[index].lots.insert(decision.lot);
}

std::vector<MissingLine> declare_short_pick(const PickList& order, const PickState& state) {
  std::vector<MissingLine> missing;
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    const auto& line = order.lines[i];
    const auto picked = picked_on(state, static_cast<int>(i));
    if (picked >= line.qty) continue;
    missing.push_back(MissingLine{static_cast<int>(i), line.sku, line.location, line.qty, picked, line.qty - picked});
  }
  return missing;
}

bool pick_complete(const PickList& order, const PickState& state) {
  return declare_short_pick(order, state).empty();
}

}  // namespace wedge::station
