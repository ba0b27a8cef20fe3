// systemd/wedge.service: valid, and hardened to an exposure of 2.0 or lower as scored by
// `systemd-analyze security --offline=true` (Debian's systemd-timesyncd scores 2.3 here).
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <string>

namespace {

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  ::pclose(pipe);
  return out;
}

TEST(UnitFile, ExposureIsAtMostTwo) {
  const std::string unit = std::string(WEDGE_SOURCE_DIR) + "/systemd/wedge.service";
  const std::string out = run("systemd-analyze security --offline=true " + unit);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(out, match, std::regex(R"(Overall exposure level for wedge\.service: ([0-9.]+))")))
      << out;
  const double exposure = std::stod(match[1]);
  EXPECT_LE(exposure, 2.0) << out;
}

TEST(UnitFile, DeclaresTheSystemdContract) {
  const std::string unit = std::string(WEDGE_SOURCE_DIR) + "/systemd/wedge.service";
  FILE* f = std::fopen(unit.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string text;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, f) != nullptr) text += buffer;
  std::fclose(f);
  for (const char* line : {"Type=notify\n", "WatchdogSec=", "Restart=on-failure\n", "StateDirectory=wedge\n",
                           "ConfigurationDirectory=wedge\n", "User=wedge\n", "DevicePolicy=closed\n",
                           "ProtectSystem=strict\n", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service\n",
                           // systemctl reload waits for the daemon's verdict and fails when it refused.
                           "ExecReload=/usr/bin/wedgectl --config /etc/wedge/wedge.yaml reload\n"})
    EXPECT_NE(text.find(line), std::string::npos) << "missing " << line;
  EXPECT_EQ(text.find("\nPrivateDevices=yes"), std::string::npos) << "PrivateDevices hides the station devices";
}

}  // namespace
