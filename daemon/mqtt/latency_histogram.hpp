// The publish latency histogram for /metrics (wedge_mqtt_publish_latency_seconds: event creation →
// broker PUBACK, docs/http-api.md): a core::Histogram over the latency series, 1 ms … 10 s and
// +Inf (daemon/core/histogram.hpp states the bucket rules).
//
// Threading: a value type without locks; the MQTT link keeps one on its loop thread and hands out
// copies (LinkStats).
#pragma once

#include "daemon/core/histogram.hpp"

namespace wedge::mqtt {

class LatencyHistogram : public core::Histogram {
 public:
  static constexpr auto kBoundsSeconds = core::kLatencyBoundsSeconds;

  LatencyHistogram() : core::Histogram(kBoundsSeconds) {}
};

}  // namespace wedge::mqtt
