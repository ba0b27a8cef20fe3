// Operator buttons (stations.hpp): next order, reprint label and new parcel, for a station whose
// picker has no scanner at hand. Each goes through the same path as the scan it stands for. Loop thread only.
#pragma once

#include <functional>
#include <string>

#include "daemon/station/label_step.hpp"
#include "daemon/station/station_context.hpp"

namespace wedge::station {

class OperatorActions {
 public:
  // Feeds a scan into the station's scan routing (Stations::Impl::on_scan).
  using ScanInput = std::function<void(StationRt&, PendingScan)>;

  OperatorActions(StationContext& ctx, LabelStep& label, ScanInput scan);

  void next_order(const std::string& station, Stations::ActionDone done);
  void reprint(const std::string& station, Stations::ActionDone done);
  // "New parcel" at a pack station: as the station's new_parcel_barcode (ParcelStep::new_parcel).
  void new_parcel(const std::string& station, Stations::ActionDone done);

 private:
  StationContext& ctx_;
  LabelStep& label_;
  ScanInput scan_;
};

}  // namespace wedge::station
