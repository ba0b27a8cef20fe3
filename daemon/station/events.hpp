// The business events of the station workflow, as they go into the outbox (docs/workflows.md lists
// every type with its data fields; docs/mqtt-api.md the envelope).
//
// EventEmitter hands one event of a station (or of the gateway, when no station is concerned) to
// the outbox::EventSink, which names its topic and appends it, and calls back on the loop once the
// outbox has committed it — or refused it (buffer full, storage error). The station tells the
// picker "accepted" only from inside that callback. Stations know the sink only, never the MQTT
// link (a build check keeps daemon/mqtt headers out of daemon/station: cmake/WedgeIncludeRules.cmake).
//
// Threading: loop thread only.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "daemon/outbox/event_sink.hpp"
#include "daemon/outbox/outbox.hpp"

namespace wedge::station {

// Event types (the last topic level and the envelope "type").
namespace event {
inline constexpr std::string_view kOrderReceived = "order.received";
inline constexpr std::string_view kOrderRejected = "order.rejected";
inline constexpr std::string_view kOrderCancelled = "order.cancelled";
inline constexpr std::string_view kOrderHeld = "order.held";
inline constexpr std::string_view kOrderReleased = "order.released";
inline constexpr std::string_view kOrderUpdated = "order.updated";
inline constexpr std::string_view kOrderUpdateRejected = "order.update_rejected";
inline constexpr std::string_view kOrderCommandRefused = "order.command_refused";
inline constexpr std::string_view kOrderSetAside = "order.set_aside";
inline constexpr std::string_view kItemsReturned = "order.items_returned";
inline constexpr std::string_view kScanRefused = "scan.refused";
inline constexpr std::string_view kPickStarted = "pick.started";
inline constexpr std::string_view kLocationConfirmed = "pick.location_confirmed";
inline constexpr std::string_view kItemPicked = "pick.item_picked";
inline constexpr std::string_view kShortPick = "pick.short";
inline constexpr std::string_view kPickCompleted = "pick.completed";
inline constexpr std::string_view kPackStarted = "pack.started";
inline constexpr std::string_view kWeightOk = "weight.ok";
inline constexpr std::string_view kWeightMismatch = "weight.mismatch";
inline constexpr std::string_view kLabelPrinted = "label.printed";
inline constexpr std::string_view kLabelFailed = "label.failed";
inline constexpr std::string_view kLabelVerified = "label.verified";
inline constexpr std::string_view kLabelVoided = "label.voided";
inline constexpr std::string_view kParcelPacked = "parcel.packed";
inline constexpr std::string_view kPackCompleted = "pack.completed";
inline constexpr std::string_view kShipped = "order.shipped";
inline constexpr std::string_view kOrderAtRisk = "order.at_risk";
inline constexpr std::string_view kOrderBackOnTrack = "order.back_on_track";
// Returns (return_step.hpp).
inline constexpr std::string_view kReturnReceived = "return.received";
inline constexpr std::string_view kReturnItemGraded = "return.item_graded";
inline constexpr std::string_view kReturnDiscrepancy = "return.discrepancy";
inline constexpr std::string_view kReturnCompleted = "return.completed";
inline constexpr std::string_view kReturnRejected = "return.rejected";
inline constexpr std::string_view kReturnHeld = "return.held";
inline constexpr std::string_view kReturnReleased = "return.released";
inline constexpr std::string_view kReturnCancelled = "return.cancelled";
// Telemetry ({base}/station/{station}/telemetry/{type}): dropped first when the outbox is full.
inline constexpr std::string_view kStationKpi = "station.kpi";
}  // namespace event

class EventEmitter {
 public:
  using Done = std::function<void(const outbox::AppendResult&)>;

  // `sink` must outlive the emitter.
  explicit EventEmitter(outbox::EventSink& sink) : sink_(sink) {}

  // Appends one business event; `done` (may be empty) runs on the loop after the commit or refusal.
  void emit(std::string_view station, std::string_view order_id, std::string_view type,
            const boost::json::object& data, Done done = {});

  // Appends one telemetry event (outbox class telemetry) on the station's telemetry topic.
  void emit_telemetry(std::string_view station, std::string_view type, const boost::json::object& data,
                      Done done = {});

 private:
  outbox::EventSink& sink_;
};

// The picker sentence for an outbox refusal ("buffer full", "storage error").
[[nodiscard]] std::string outbox_refusal_code(const outbox::AppendResult& result);

}  // namespace wedge::station
