// A printer's ~HQES warning, as the gateway shows it: in /api/v1/devices, on the station screen
// (the pack screen renders its devices from it) and in /metrics — before any job fails.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "daemon/views/gateway_view.hpp"
#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

namespace json = boost::json;

const json::object* find_device(const json::array& devices, const std::string& id) {
  for (const auto& d : devices)
    if (d.as_object().at("id").as_string() == id) return &d.as_object();
  return nullptr;
}

TEST(StationDeviceWarning, PaperNearEndIsInDevicesScreenAndMetrics) {
  StationEnv env;
  GatewayParts parts{env.config(), env.outbox(), env.link(), env.devices(), env.print_queue(), env.stations()};
  EXPECT_EQ(env.printer().command("warnings 8"), "ok warnings 8");
  ASSERT_TRUE(env.run_until([&] { return !env.devices().printer("printer-1")->health().warnings.empty(); }));

  const auto devices = devices_json(parts).as_array();
  const auto* printer = find_device(devices, "printer-1");
  ASSERT_NE(printer, nullptr) << json::serialize(devices);
  EXPECT_EQ(printer->at("state"), "connected");
  EXPECT_EQ(printer->at("warnings"), (json::array{"paper near end"}));
  EXPECT_EQ(find_device(devices, "scale-1")->at("warnings"), json::array{});

  const auto screen = screen_json(parts, env.snap()).as_object();
  const auto* on_screen = find_device(screen.at("devices").as_array(), "printer-1");
  ASSERT_NE(on_screen, nullptr);
  EXPECT_EQ(on_screen->at("warnings"), (json::array{"paper near end"}));

  const auto metrics = metrics_text(parts);
  EXPECT_NE(metrics.find("wedge_device_warnings{device=\"printer-1\",kind=\"printer\"} 1\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("wedge_device_warnings{device=\"scale-1\",kind=\"scale\"} 0\n"), std::string::npos);

  env.printer().command("warnings 0");
  ASSERT_TRUE(env.run_until([&] { return env.devices().printer("printer-1")->health().warnings.empty(); }));
  EXPECT_EQ(find_device(devices_json(parts).as_array(), "printer-1")->at("warnings"), json::array{});
}

}  // namespace
}  // namespace wedge::test
