// The parcels of an order packed in several (docs/workflows.md, "Parcels"; parcels.hpp): the
// packer opens a new parcel (the station's `new_parcel_barcode`, or the screen's button that stands
// for it), scans the items that go into it (fill), and the parcel then runs the pack step's
// weigh → label → verify on its own; `parcel.packed` ends each one, `pack.completed` the order once
// every unit is in a packed parcel. Parcels the pick list plans skip the fill. Loop thread only.
#pragma once

#include <string>

#include "daemon/station/label_step.hpp"
#include "daemon/station/station_context.hpp"

namespace wedge::station {

class PackStep;

class ParcelStep {
 public:
  using Json = StationContext::Json;

  ParcelStep(StationContext& ctx, LabelStep& label, PackStep& pack);

  // Whether the scan is the station's "new parcel" barcode (or the screen's button).
  [[nodiscard]] bool is_new_parcel(const StationRt& st, const PendingScan& scan) const;
  // "New parcel": a single-parcel order still waiting for its weight becomes an order in several
  // parcels and parcel 1 opens; in the fill phase the parcel being filled closes (it is weighed
  // next) and a new one follows it. Refused (scan.refused) in any other phase.
  [[nodiscard]] bool new_parcel(StationRt& st, OrderRecord& order, const PendingScan& scan);
  // An item scan while a parcel is filled: checked against what is still outside every parcel;
  // the unit goes into the parcel (stored in stations.db before the verdict). The last unit closes
  // the parcel, which is then weighed.
  [[nodiscard]] bool fill(StationRt& st, OrderRecord& order, const PendingScan& scan);
  // Moves the order to what its parcel being packed needs next (fill, weigh, label, verify), or
  // opens the next parcel when units are still outside every parcel. False when every parcel is
  // packed and nothing is left: the pack step completes the order. `st` may be null (the order is
  // at no station: a label prints on its last printer, a weighing waits for the next station).
  [[nodiscard]] bool resume(StationRt* st, OrderRecord& order);

 private:
  StationContext& ctx_;
  LabelStep& label_;
  PackStep& pack_;
};

}  // namespace wedge::station
