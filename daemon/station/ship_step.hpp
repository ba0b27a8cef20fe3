// The ship step: a packed parcel scanned at a ship station (order barcode or label) is shipped
// (shipped; the order ends). Loop thread only.
#pragma once

#include "daemon/station/station_context.hpp"

namespace wedge::station {

class ShipStep {
 public:
  using Json = StationContext::Json;

  explicit ShipStep(StationContext& ctx);

  // Ships `order`; true: the scan waits for the commit (finish_scan ends it).
  [[nodiscard]] bool scan(StationRt& st, OrderRecord& order, const PendingScan& scan);

 private:
  StationContext& ctx_;
};

}  // namespace wedge::station
