#include "daemon/outbox/envelope.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "daemon/core/rfc3339.hpp"

namespace wedge::outbox {

std::string UuidGenerator::next() { return boost::uuids::to_string(generator_()); }

core::Result<std::string> build_envelope(const EnvelopeFields& fields) {
  boost::system::error_code ec;
  boost::json::value data = boost::json::parse(fields.data_json, ec);
  if (ec) return core::fail(core::Errc::invalid_argument, "data is not valid JSON: " + ec.message());
  if (!data.is_object()) return core::fail(core::Errc::invalid_argument, "data is not a JSON object");

  boost::json::object envelope;
  envelope.reserve(7);
  envelope["id"] = fields.id;
  envelope["seq"] = fields.seq;
  envelope["ts"] = core::format_rfc3339_ms(fields.ts_unix_ms);
  envelope["type"] = fields.type;
  if (fields.station.empty()) {
    envelope["station"] = nullptr;
  } else {
    envelope["station"] = fields.station;
  }
  if (fields.order_id.empty()) {
    envelope["order_id"] = nullptr;
  } else {
    envelope["order_id"] = fields.order_id;
  }
  envelope["data"] = std::move(data);
  return boost::json::serialize(envelope);
}

}  // namespace wedge::outbox
