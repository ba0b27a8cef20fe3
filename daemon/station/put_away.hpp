// PutAway: the units of a cancelled order go back on the shelf (docs/workflows.md, "Cancelled
// orders: putting the items back"). The station that holds the order lists each location with what
// goes back there; the operator scans each location barcode (the scanned text equals the line's
// `location`) as its units go back: `order.items_returned` for that location, its serials leave the
// serial registry (serial_registry.hpp), and once every location is done the order is set aside as
// before (`order.set_aside`) and the station moves on. The order barcode puts every location still
// open away at once (one `order.items_returned` each), then sets the order aside: the way it worked
// before location scans, kept for stations and operators that use it.
// Loop thread only.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "daemon/station/station_context.hpp"

namespace wedge::station {

// What of a cancelled order still goes back, by location in order-line order (lines with picked
// units whose location is not put away yet; "" gathers the lines without a location). Pure.
[[nodiscard]] std::vector<ReturnLocation> items_to_put_away(const OrderRecord& order);

class PutAway {
 public:
  // Sets the order aside once nothing is left to put away (Stations::Impl::set_aside): commits
  // `order.set_aside`, shows the verdict and finishes the scan; true while it waits for the commit.
  using SetAside = std::function<bool(StationRt&, OrderRecord&, const PendingScan&)>;

  PutAway(StationContext& ctx, SetAside set_aside);

  // A scan at the station holding the cancelled `order`: its order barcode, a location still to put
  // away (both go on as the header says), a location already put away (refused
  // `already_put_away`), anything else (refused `order_cancelled`, as before). True while it waits
  // for a commit (the scan routing's busy; finish_scan() ends it).
  bool scan(StationRt& st, OrderRecord& order, const PendingScan& scan);

 private:
  // Puts `locations` away one after the other (each after the previous one's commit), then sets
  // the order aside when nothing is left, else shows what is.
  void put_away(const std::string& station, const std::string& order_id, std::vector<std::string> locations,
                const PendingScan& scan);

  StationContext& ctx_;
  SetAside set_aside_;
};

}  // namespace wedge::station
