// The pick step: item and location scans against the order's pick list, short picks declared by
// the picker, and the close of the step (pick.completed; the order moves on to pack). Emits
// item.picked, location.confirmed, short_pick and pick.completed (docs/workflows.md).
// Loop thread only; the commit callbacks capture `this` (StationContext::commit guards them).
#pragma once

#include <string>

#include "daemon/station/station_context.hpp"

namespace wedge::station {

class PickStep {
 public:
  using Json = StationContext::Json;
  using Then = StationContext::Then;

  explicit PickStep(StationContext& ctx);

  // A scan at a station picking `order`; true when it waits for a commit (finish_scan ends it).
  [[nodiscard]] bool scan(StationRt& st, OrderRecord& order, const PendingScan& scan);
  // Closes the pick step once every line is picked or short: pick.completed, then the order moves
  // to pack (here if the station packs, else waiting for a pack station). `then` runs either way.
  void complete(StationRt& st, OrderRecord& order, Then then);
  // The picker's "short" button for a line of the current order.
  void declare_short(const std::string& station, int line, const std::string& reason, Stations::ActionDone done);

 private:
  StationContext& ctx_;
};

}  // namespace wedge::station
