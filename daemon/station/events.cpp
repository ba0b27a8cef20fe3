#include "daemon/station/events.hpp"

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

namespace wedge::station {

namespace {

outbox::NewEvent make_event(outbox::EventClass event_class, std::string_view station, std::string_view order_id,
                            std::string_view type, const boost::json::object& data) {
  outbox::NewEvent event;
  event.event_class = event_class;
  event.type = std::string(type);
  event.station = std::string(station);
  event.order_id = std::string(order_id);
  event.data_json = boost::json::serialize(data);
  return event;
}

}  // namespace

void EventEmitter::emit(std::string_view station, std::string_view order_id, std::string_view type,
                        const boost::json::object& data, Done done) {
  sink_.append(make_event(outbox::EventClass::business, station, order_id, type, data),
               [done = std::move(done), type = std::string(type), station = std::string(station),
                order = std::string(order_id)](const outbox::AppendResult& result) {
                 if (!result)
                   spdlog::warn("station={} order={} event={} not stored: {} ({})", station, order, type,
                                outbox::to_string(result.error().code), result.error().reason);
                 else
                   spdlog::debug("station={} order={} event_id={} event={} seq={} stored", station, order,
                                 result->id, type, result->seq);
                 if (done) done(result);
               });
}

void EventEmitter::emit_telemetry(std::string_view station, std::string_view type,
                                  const boost::json::object& data, Done done) {
  sink_.append(make_event(outbox::EventClass::telemetry, station, "", type, data),
               [done = std::move(done)](const outbox::AppendResult& result) {
                 if (done) done(result);
               });
}

std::string outbox_refusal_code(const outbox::AppendResult& result) {
  switch (result.error().code) {
    case outbox::OutboxError::full:
      return "buffer full";
    case outbox::OutboxError::stopped:
      return "shutting down";
    default:
      return "storage error";
  }
}

}  // namespace wedge::station
