#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "daemon/http/prometheus.hpp"

namespace wedge::http {
namespace {

TEST(PrometheusText, WritesHelpAndTypeOncePerFamilyAndEscapesLabels) {
  PrometheusText text;
  text.declare("wedge_station_scans_refused_total", "counter", "Refused scans.\nBy reason.");
  text.sample("wedge_station_scans_refused_total", std::int64_t{3},
              {{"station", "S1"}, {"reason", "wrong \"item\"\\x\n"}});
  text.declare("wedge_station_scans_refused_total", "counter", "again");
  text.sample("wedge_station_scans_refused_total", 1.5, {{"station", "S2"}, {"reason", "expired"}});
  EXPECT_EQ(text.text(),
            "# HELP wedge_station_scans_refused_total Refused scans.\\nBy reason.\n"
            "# TYPE wedge_station_scans_refused_total counter\n"
            "wedge_station_scans_refused_total{station=\"S1\",reason=\"wrong \\\"item\\\"\\\\x\\n\"} 3\n"
            "wedge_station_scans_refused_total{station=\"S2\",reason=\"expired\"} 1.5\n");
}

TEST(PrometheusText, WritesAHistogramWithInfBucketSumAndCount) {
  PrometheusText text;
  text.declare("wedge_mqtt_publish_latency_seconds", "histogram", "Publish to PUBACK.");
  text.histogram("wedge_mqtt_publish_latency_seconds", {{0.001, 5}, {0.005, 9}}, 0.02, 10);
  EXPECT_EQ(text.text(),
            "# HELP wedge_mqtt_publish_latency_seconds Publish to PUBACK.\n"
            "# TYPE wedge_mqtt_publish_latency_seconds histogram\n"
            "wedge_mqtt_publish_latency_seconds_bucket{le=\"0.001\"} 5\n"
            "wedge_mqtt_publish_latency_seconds_bucket{le=\"0.005\"} 9\n"
            "wedge_mqtt_publish_latency_seconds_bucket{le=\"+Inf\"} 10\n"
            "wedge_mqtt_publish_latency_seconds_sum 0.02\n"
            "wedge_mqtt_publish_latency_seconds_count 10\n");
}

TEST(PrometheusText, FormatsSpecialValues) {
  EXPECT_EQ(format_prometheus_value(42.0), "42");
  EXPECT_EQ(format_prometheus_value(-0.25), "-0.25");
  EXPECT_EQ(format_prometheus_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_prometheus_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_prometheus_value(std::nan("")), "NaN");
}

}  // namespace
}  // namespace wedge::http
