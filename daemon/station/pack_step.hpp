// The pack step: the picked order identified at a pack station (pack.started), the parcel weighed
// against the expected weight (weight.ok, or weight.mismatch and the order held), the label
// printed (LabelStep) and verified by scan (label.verified, pack.completed); the order then waits
// for a ship station (docs/workflows.md). Loop thread only; scale answers arrive on the loop and
// are dropped once the stations are gone (StationContext::alive). An order in several parcels
// (ParcelStep, parcel_step.hpp) runs weigh → label → verify per parcel, `parcel.packed` after each.
#pragma once

#include <chrono>
#include <string>

#include "daemon/station/label_step.hpp"
#include "daemon/station/parcel_step.hpp"
#include "daemon/station/station_context.hpp"

namespace wedge::station {

class PackStep {
 public:
  using Json = StationContext::Json;
  using Identified = StationContext::Identified;

  PackStep(StationContext& ctx, LabelStep& label);

  // A scan at a station packing `order`; true when it waits for a commit (finish_scan ends it).
  [[nodiscard]] bool scan(StationRt& st, OrderRecord& order, const PendingScan& scan);
  // The order (or tote) barcode starts packing it here.
  [[nodiscard]] bool start(StationRt& st, OrderRecord& order, const PendingScan& scan);
  // Asks the scale for the next stable weight (after `delay`); a newer request supersedes it.
  void arm_weigh(StationRt& st, std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  // The label scanned in the verify phase.
  [[nodiscard]] bool verify(StationRt& st, OrderRecord& order, const PendingScan& scan, const Identified& id);
  // The parcels of orders packed in several.
  [[nodiscard]] ParcelStep& parcels() { return parcels_; }

 private:
  void weigh(const std::string& station, const std::string& order_id, double grams);
  // After a label.verified of an order in several parcels: parcel.packed, then the next parcel
  // or pack.completed.
  void parcel_packed(const std::string& station, const std::string& order_id, const PendingScan& scan);
  // pack.completed: the order moves to ship.
  void complete(const std::string& station, const std::string& order_id, const PendingScan& scan);

  StationContext& ctx_;
  LabelStep& label_;
  ParcelStep parcels_;
};

}  // namespace wedge::station
