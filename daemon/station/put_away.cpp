// PutAway (put_away.hpp): a cancelled order's units back to their locations, one location scan at a
// time or all at once by the order barcode.
#include "daemon/station/put_away.hpp"

#include <boost/json.hpp>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace wedge::station {

namespace json = boost::json;

namespace {

const ReturnLocation* find_location(const std::vector<ReturnLocation>& open, const std::string& location) {
  const auto it = std::find_if(open.begin(), open.end(), [&](const auto& l) { return l.location == location; });
  return it == open.end() ? nullptr : &*it;
}

json::array items_json(const ReturnLocation& location) {
  json::array items;
  for (const auto& item : location.items)
    items.emplace_back(json::object{
        {"line", item.line}, {"sku", item.sku}, {"qty", item.qty}, {"serials", string_array(item.serials)}});
  return items;
}

}  // namespace

std::vector<ReturnLocation> items_to_put_away(const OrderRecord& order) {
  std::vector<ReturnLocation> out;
  for (std::size_t i = 0; i < order.pick.lines.size() && i < order.pick_list.lines.size(); ++i) {
    const auto& picked = order.pick.lines[i];
    const auto& line = order.pick_list.lines[i];
    if (picked.picked <= 0 || order.put_away.contains(line.location)) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& l) { return l.location == line.location; });
    if (it == out.end()) it = out.insert(out.end(), ReturnLocation{line.location, {}});
    it->items.push_back(ReturnItem{static_cast<int>(i), line.sku, picked.picked,
                                   std::vector<std::string>(picked.serials.begin(), picked.serials.end())});
  }
  return out;
}

PutAway::PutAway(StationContext& ctx, SetAside set_aside) : ctx_(ctx), set_aside_(std::move(set_aside)) {}

bool PutAway::scan(StationRt& st, OrderRecord& order, const PendingScan& scan) {
  const std::string text = scan.text();
  const auto open = items_to_put_away(order);
  std::vector<std::string> locations;
  if (text == order.order_id) {
    if (open.empty()) return set_aside_(st, order, scan);
    for (const auto& location : open) locations.push_back(location.location);
  } else if (!text.empty() && find_location(open, text)) {
    locations.push_back(text);
  } else if (!text.empty() && order.put_away.contains(text)) {
    ctx_.refuse(st, &order, scan, "already_put_away",
                "The items of this location are already back: scan the next location.");
    return false;
  } else {
    ctx_.refuse_blocked(st, order, scan);
    return false;
  }
  put_away(st.id, order.order_id, std::move(locations), scan);
  return true;
}

void PutAway::put_away(const std::string& station, const std::string& order_id, std::vector<std::string> locations,
                       const PendingScan& scan) {
  auto* order = ctx_.find_order(order_id);
  auto st = ctx_.stations.find(station);
  // Set aside, or the station removed by a reload, meanwhile: nothing more to do here.
  if (!order || st == ctx_.stations.end() || st->second.current != order_id ||
      order->status != OrderStatus::cancelled)
    return ctx_.finish_scan(station);
  const auto open = items_to_put_away(*order);
  if (locations.empty()) {
    if (open.empty()) {
      (void)set_aside_(st->second, *order, scan);  // its commit finishes the scan
      return;
    }
    const auto remaining = order->return_locations();
    ctx_.show(st->second, "accepted", "put_away",
              remaining.empty() ? std::string("Put away. Scan the order barcode once the items without a location are back.")
                                : fmt::format("Put away. Still to put back: {}.", fmt::join(remaining, ", ")),
              scan.text(), remaining);
    return ctx_.finish_scan(station);
  }
  const std::string location = locations.front();
  locations.erase(locations.begin());
  const auto* here = find_location(open, location);
  if (!here) return put_away(station, order_id, std::move(locations), scan);
  std::vector<std::string> serials;
  for (const auto& item : here->items) serials.insert(serials.end(), item.serials.begin(), item.serials.end());
  json::array remaining;
  for (const auto& other : open)
    if (other.location != location) remaining.emplace_back(other.location);
  json::object data = order_position(*order);
  data["location"] = location;
  data["barcode"] = scan.text();
  data["items"] = items_json(*here);
  data["remaining_locations"] = std::move(remaining);
  ctx_.commit(station, order_id, event::kItemsReturned, std::move(data),
              [this, station, order_id, location, serials, locations = std::move(locations), scan]() mutable {
                auto* o = ctx_.find_order(order_id);
                if (!o) return ctx_.finish_scan(station);
                o->put_away.insert(location);
                // Back on the shelf: the units may go out in another order.
                ctx_.save_with_serials(*o, [&] { return ctx_.serials.release(order_id, serials); });
                spdlog::info("station={} order={} location \"{}\" put away ({} serials released)", station, order_id,
                             location, serials.size());
                put_away(station, order_id, std::move(locations), scan);
              },
              [this, station, scan](const outbox::AppendResult& result) {
                ctx_.refuse_outbox(ctx_.stations.at(station), scan, result);
                ctx_.finish_scan(station);
              });
}

}  // namespace wedge::station
