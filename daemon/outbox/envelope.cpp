#include "daemon/outbox/envelope.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <ctime>
#include <cstdio>

namespace wedge::outbox {

std::string format_rfc3339_ms(std::int64_t unix_ms) {
  // Floor division so that times before 1970 still get a 0..999 millisecond field.
  std::int64_t seconds = unix_ms / 1000;
  std::int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

std::string UuidGenerator::next() { return boost::uuids::to_string(generator_()); }

EnvelopeResult build_envelope(const EnvelopeFields& fields) {
  boost::system::error_code ec;
  boost::json::value data = boost::json::parse(fields.data_json, ec);
  if (ec) return {false, {}, "data is not valid JSON: " + ec.message()};
  if (!data.is_object()) return {false, {}, "data is not a JSON object"};

  boost::json::object envelope;
  envelope.reserve(7);
  envelope["id"] = fields.id;
  envelope["seq"] = fields.seq;
  envelope["ts"] = format_rfc3339_ms(fields.ts_unix_ms);
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
  return {true, boost::json::serialize(envelope), {}};
}

}  // namespace wedge::outbox
