// The ship step: a packed parcel scanned at a ship station (order barcode or label) is shipped
// (order.shipped; the order ends). An order in several parcels ships once the label of every one
// of its parcels was scanned at the station: until then the station loads only that order (a
// parcel of another order is refused, the prompt names the parcels still missing). Loop thread only.
#pragma once

#include "daemon/station/station_context.hpp"

namespace wedge::station {

class ShipStep {
 public:
  using Json = StationContext::Json;

  explicit ShipStep(StationContext& ctx);

  // Ships `order` (or loads one of its parcels); true: the scan waits for the commit (finish_scan
  // ends it).
  [[nodiscard]] bool scan(StationRt& st, OrderRecord& order, const PendingScan& scan);

 private:
  // A scan of an order in several parcels: its parcel is loaded; the last one ships the order.
  [[nodiscard]] bool load_parcel(StationRt& st, OrderRecord& order, const PendingScan& scan);
  [[nodiscard]] bool ship(StationRt& st, OrderRecord& order, const PendingScan& scan);

  StationContext& ctx_;
};

}  // namespace wedge::station
