// The event envelope the OMS receives (docs/mqtt-api.md):
//   {"id":"<uuid v4>","seq":N,"ts":"2026-11-27T05:01:02.123Z","type":"...","station":"..."|null,
//    "order_id":"..."|null,"data":{...}}
// Built by the outbox writer thread at commit time, because `seq` is only known then.
// Pure functions plus a UUID generator object; the generator is not thread-safe (one per thread).
#pragma once

#include <boost/uuid/random_generator.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/core/result.hpp"

namespace wedge::outbox {


// Random (version 4) UUIDs in the canonical 8-4-4-4-12 lower-case form.
class UuidGenerator {
 public:
  std::string next();

 private:
  boost::uuids::random_generator generator_;  // seeded from the OS entropy source
};

struct EnvelopeFields {
  std::string_view id;
  std::int64_t seq = 0;
  std::int64_t ts_unix_ms = 0;
  std::string_view type;
  std::string_view station;    // empty -> null
  std::string_view order_id;   // empty -> null
  std::string_view data_json;  // must parse as a JSON object
};

// The serialised envelope, or invalid_argument with the reason (data is not a JSON object).
core::Result<std::string> build_envelope(const EnvelopeFields& fields);

}  // namespace wedge::outbox
