#include "daemon/station/return_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "daemon/station/workflow_order.hpp"

namespace wedge::station {

namespace {

struct Sentence {
  std::string_view code;
  std::string_view text;
};

// The returns' own codes; the others read as at pick (scan_check.hpp).
constexpr Sentence kSentences[] = {
    {"accepted", "Item recognised: grade it."},
    {"not_shipped", "This item was never shipped in this order: set it aside."},
    {"serial_not_shipped", "This serial number did not leave in this order: set the item aside."},
    {"serial_duplicate", "This serial number was already returned: set the item aside."},
    {"lot_not_shipped", "This lot did not leave in this order: set the item aside."},
    {"over_return", "More units than were shipped: set the item aside."},
};

ReturnDecision refuse(ReturnDecision d, std::string_view code, std::string detail) {
  d.accepted = false;
  d.code = std::string(code);
  d.message = std::string(return_refusal_sentence(code));
  d.detail = std::move(detail);
  return d;
}

int line_for(const std::vector<ShippedLine>& lines, const std::string& gtin, const std::string& sku) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (!sku.empty() && l.sku == sku) return static_cast<int>(i);
    if (!gtin.empty() && std::find(l.gtins.begin(), l.gtins.end(), gtin) != l.gtins.end()) return static_cast<int>(i);
  }
  return -1;
}

// The expected item this unit answers, or -1: same product, its serial or lot when the OMS named
// them, and units of it still expected.
int expected_for(const ReturnRecord& ret, const ReturnedItem& item) {
  for (std::size_t i = 0; i < ret.expected.size(); ++i) {
    const auto& e = ret.expected[i];
    const bool same = (!e.gtin.empty() && e.gtin == item.gtin) || e.sku == item.sku;
    if (!same) continue;
    if (!e.serials.empty() && std::find(e.serials.begin(), e.serials.end(), item.serial) == e.serials.end()) continue;
    if (!e.lot.empty() && e.lot != item.lot) continue;
    if (ret.units_for(static_cast<int>(i)) < e.qty) return static_cast<int>(i);
  }
  return -1;
}

// The scanned text without an AIM identifier the scanner left in the data (a SKU label's text).
std::string_view without_aim(std::string_view data, std::string_view aim_id) {
  if (aim_id.empty() && data.size() >= 3 && data[0] == ']') return data.substr(3);
  return data;
}

}  // namespace

std::vector<ShippedLine> shipped_lines(const OrderRecord& order) {
  std::vector<ShippedLine> out;
  const auto& lines = order.pick_list.lines;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ShippedLine l;
    l.sku = lines[i].sku;
    l.gtins = lines[i].gtins;
    l.capture_serials = lines[i].capture_serials;
    l.location = lines[i].location;
    l.unit_weight_grams = lines[i].unit_weight_grams.value_or(0);
    if (i < order.pick.lines.size()) {
      l.qty = order.pick.lines[i].picked;
      l.serials = order.pick.lines[i].serials;
      l.lots = order.pick.lines[i].lots;
    }
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<ShippedLine> announced_lines(const std::vector<ExpectedItem>& expected) {
  std::vector<ShippedLine> out;
  for (const auto& e : expected) {
    ShippedLine l;
    l.sku = e.sku;
    if (!e.gtin.empty()) l.gtins.push_back(e.gtin);
    l.qty = e.qty;
    if (!e.lot.empty()) l.lots.insert(e.lot);
    l.serials.insert(e.serials.begin(), e.serials.end());
    l.location = e.putaway_location;
    out.push_back(std::move(l));
  }
  return out;
}

std::string_view return_refusal_sentence(std::string_view code) noexcept {
  for (const auto& s : kSentences)
    if (s.code == code) return s.text;
  return refusal_sentence(code);
}

ReturnDecision check_return_item(const std::vector<ShippedLine>& lines, const ReturnRecord& ret,
                                 const std::vector<ReturnedItem>& returned, std::string_view data,
                                 std::string_view aim_id, const CheckOptions& options) {
  ReturnDecision d;
  d.item.barcode = std::string(data);
  // 1. A SKU as text, else GS1.
  int line = line_for(lines, "", std::string(without_aim(data, aim_id)));
  if (line >= 0) {
    d.item.sku = lines[static_cast<std::size_t>(line)].sku;
  } else {
    ParseOptions po;
    po.current_year = options.current_year != 0 ? options.current_year : options.today.year;
    po.accept_bracketed_text = options.accept_bracketed_text;
    po.tolerate_trailing_gs = options.tolerate_trailing_gs;
    auto parsed = parse_scan(data, aim_id, po);
    if (!parsed) {
      auto out = refuse(std::move(d), to_string(parsed.error().code), parsed.error().detail);
      out.message = parsed.error().message;
      return out;
    }
    if (parsed->kind == ScanKind::text) return refuse(std::move(d), "unknown_barcode", "no SKU or GS1 data");
    if (parsed->gtin.empty()) return refuse(std::move(d), "not_an_item", "no (01) GTIN in the scan");
    d.item.gtin = parsed->gtin;
    d.item.lot = parsed->lot;
    d.item.serial = parsed->serial;
    line = line_for(lines, d.item.gtin, "");
    // 2. It must have left in this order.
    if (line < 0) return refuse(std::move(d), "not_shipped", fmt::format("GTIN {} is not on order {}", d.item.gtin, ret.order_id));
    d.item.sku = lines[static_cast<std::size_t>(line)].sku;
  }
  const auto& l = lines[static_cast<std::size_t>(line)];
  d.item.line = line;
  auto on_line = [&](const ReturnedItem& r) { return r.line == line; };
  // 3. Serials. The gateway's serial registry names the order a unit was picked for, when it was
  // picked here: that tells "left in another order" apart, and checks a unit's serial where what
  // left in this order is not known by serial (an announced return that names none).
  std::optional<std::string> picked_for;
  if (!d.item.serial.empty() && !d.item.gtin.empty() && options.serial_owner)
    picked_for = options.serial_owner(d.item.gtin, d.item.serial);
  if (picked_for && *picked_for == ret.order_id) picked_for.reset();
  auto not_shipped = [&](ReturnDecision decision) {
    if (!picked_for)
      return refuse(std::move(decision), "serial_not_shipped",
                    fmt::format("serial {} of {} did not leave in order {}", decision.item.serial, l.sku, ret.order_id));
    auto out = refuse(std::move(decision), "serial_not_shipped",
                      fmt::format("serial {} of {} was picked in order {}, not in order {}", decision.item.serial,
                                  l.sku, *picked_for, ret.order_id));
    out.message += fmt::format(" (order {})", *picked_for);
    return out;
  };
  if (l.capture_serials || !l.serials.empty()) {
    if (d.item.serial.empty())
      return refuse(std::move(d), "serial_missing", fmt::format("{} shipped with serial numbers; the scan has no (21)", l.sku));
    if (!l.serials.contains(d.item.serial)) return not_shipped(std::move(d));
    for (const auto& r : returned)
      if (on_line(r) && r.serial == d.item.serial)
        return refuse(std::move(d), "serial_duplicate", fmt::format("serial {} was already returned", d.item.serial));
  } else if (picked_for) {
    return not_shipped(std::move(d));
  }
  // 4. Lots: a unit picked by its plain GTIN left without a known lot, so only a lot that is read
  // is checked.
  if (!l.lots.empty() && !d.item.lot.empty()) {
    if (!l.lots.contains(d.item.lot))
      return refuse(std::move(d), "lot_not_shipped",
                    fmt::format("lot {} of {} did not leave in order {}", d.item.lot, l.sku, ret.order_id));
  }
  // 5. Units.
  const auto already = std::count_if(returned.begin(), returned.end(), on_line);
  if (already + 1 > l.qty)
    return refuse(std::move(d), "over_return",
                  fmt::format("{}: {} shipped, {} already returned", l.sku, l.qty, already));
  d.item.expected = expected_for(ret, d.item);
  d.accepted = true;
  d.code = "accepted";
  d.message = std::string(return_refusal_sentence("accepted"));
  d.detail = fmt::format("{} on line {}", l.sku, line);
  return d;
}

}  // namespace wedge::station
