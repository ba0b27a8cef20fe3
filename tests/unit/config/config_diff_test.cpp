// What a reload changes (daemon/config/config_diff.hpp): every changed key found and classified as
// applied at once or left for the restart as its schema says, devices and stations compared entry
// by entry, and the configuration run after a reload keeps the running value of every key that
// waits for the restart.
#include <gtest/gtest.h>

#include <string>

#include "daemon/config/config.hpp"
#include "daemon/config/config_diff.hpp"
#include "daemon/config/reference.hpp"

namespace {

using wedge::config::Config;
using wedge::config::ConfigDiff;
using wedge::config::diff_configs;
using wedge::config::effective_config;
using wedge::config::parse_config;

const std::string kBase = R"(site: dc1
gateway: gw1
state_dir: /tmp/wedge-state
log: {level: info}
broker: {uri: "mqtt://127.0.0.1:1883", keepalive_s: 30}
outbox: {max_events: 5000}
kpi: {interval_s: 60, targets: {picks_per_hour_min: 10}}
devices:
  - {id: scan-1, kind: scanner, driver: tcp, mode: client, host: 127.0.0.1, port: 4001}
  - {id: scan-2, kind: scanner, driver: tcp, mode: client, host: 127.0.0.1, port: 4002}
stations:
  - {id: st1, steps: [pick], scanner: scan-1}
  - {id: st2, steps: [pick], scanner: scan-2}
)";

Config load(const std::string& yaml) {
  auto result = parse_config(yaml, "w.yaml", "/tmp");
  for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
  return std::move(result.config).value();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string restart_reason_of(const ConfigDiff& diff, const std::string& path) {
  for (const auto& change : diff.keys)
    if (change.path == path) return change.restart_reason;
  ADD_FAILURE() << "no change of " << path;
  return {};
}

TEST(ConfigDiff, TheSameFileChangesNothing) {
  EXPECT_TRUE(diff_configs(load(kBase), load(kBase)).empty());
}

TEST(ConfigDiff, KeysAreClassifiedAsTheirSchemaSays) {
  auto next = replaced(kBase, "level: info", "level: debug");
  next = replaced(next, "keepalive_s: 30", "keepalive_s: 45");
  next = replaced(next, "max_events: 5000", "max_events: 6000");
  next = replaced(next, "picks_per_hour_min: 10", "picks_per_hour_min: 12");
  next = replaced(next, "interval_s: 60", "interval_s: 30");
  next = replaced(next, "site: dc1", "site: dc2");
  const auto diff = diff_configs(load(kBase), load(next));
  EXPECT_EQ(diff.keys.size(), 6u);
  EXPECT_EQ(restart_reason_of(diff, "log.level"), "");
  EXPECT_EQ(restart_reason_of(diff, "broker.keepalive_s"), "");
  EXPECT_EQ(restart_reason_of(diff, "kpi.targets.picks_per_hour_min"), "");
  EXPECT_NE(restart_reason_of(diff, "outbox.max_events"), "");
  EXPECT_NE(restart_reason_of(diff, "kpi.interval_s"), "");
  EXPECT_NE(restart_reason_of(diff, "site"), "");
  EXPECT_TRUE(diff.applies_at_once("log"));
  EXPECT_TRUE(diff.applies_at_once("broker"));
  EXPECT_TRUE(diff.applies_at_once("kpi"));
  EXPECT_FALSE(diff.applies_at_once("outbox"));
  EXPECT_FALSE(diff.applies_at_once("http"));
  EXPECT_EQ(diff.left_for_restart().size(), 3u);
}

TEST(ConfigDiff, DevicesAndStationsAreAddedRemovedOrChangedById) {
  auto next = replaced(kBase, "port: 4002", "port: 4012");
  next = replaced(next, "  - {id: st2, steps: [pick], scanner: scan-2}\n",
                  "  - {id: st2, steps: [pick], scanner: scan-2, group: g1}\n  - {id: st3, steps: [pick]}\n");
  next = replaced(next, "  - {id: st1, steps: [pick], scanner: scan-1}\n", "");
  next = replaced(next, "  - {id: scan-1, kind: scanner, driver: tcp, mode: client, host: 127.0.0.1, port: 4001}\n",
                  "");
  const auto diff = diff_configs(load(kBase), load(next));
  EXPECT_TRUE(diff.keys.empty());
  EXPECT_EQ(diff.devices.removed, std::vector<std::string>{"scan-1"});
  EXPECT_EQ(diff.devices.changed, std::vector<std::string>{"scan-2"});
  EXPECT_TRUE(diff.devices.added.empty());
  EXPECT_EQ(diff.stations.removed, std::vector<std::string>{"st1"});
  EXPECT_EQ(diff.stations.changed, std::vector<std::string>{"st2"});
  EXPECT_EQ(diff.stations.added, std::vector<std::string>{"st3"});
  EXPECT_EQ(diff.stations.summary(), "added st3; removed st1; changed st2");
}

TEST(ConfigDiff, TheConfigurationRunAfterAReloadKeepsTheKeysThatWaitForTheRestart) {
  auto next = replaced(kBase, "level: info", "level: debug");
  next = replaced(next, "max_events: 5000", "max_events: 6000");
  next = replaced(next, "site: dc1", "site: dc2");
  next = replaced(next, "state_dir: /tmp/wedge-state", "state_dir: /tmp/elsewhere");
  next = replaced(next, "port: 4002", "port: 4012");
  const auto running = load(kBase);
  const auto effective = effective_config(running, load(next));
  EXPECT_EQ(effective.section("log").get_string("level"), "debug");
  EXPECT_EQ(effective.section("outbox").get_int("max_events"), 5000);
  EXPECT_EQ(effective.site, "dc1");
  EXPECT_EQ(effective.state_dir, "/tmp/wedge-state");
  EXPECT_EQ(effective.root.get_string("state_dir"), "/tmp/wedge-state");
  EXPECT_EQ(effective.find_device("scan-2")->settings.get_int("port"), 4012);
  // What waits for the restart still shows as a change against the file, and nothing else does.
  const auto left = diff_configs(effective, load(next));
  EXPECT_EQ(left.keys.size(), 3u);
  EXPECT_EQ(left.left_for_restart().size(), 3u);
  EXPECT_TRUE(left.devices.empty());
}

// docs/configuration.md says for every key of a section when a reload applies it.
TEST(ConfigDiff, TheReferenceMarksEachKeyAtOnceOrAtRestart) {
  const auto reference = wedge::config::config_reference_markdown();
  EXPECT_NE(reference.find("| `level` | one of `trace`, `debug`, `info`, `warn`, `error` | `info` | at once |"),
            std::string::npos);
  EXPECT_NE(reference.find("| `max_events` | integer 1000..100000000 | `1000000` | at restart: the outbox keeps "
                           "its database open with these limits |"),
            std::string::npos);
  EXPECT_NE(reference.find("| `site` | id | **required** | at restart: "), std::string::npos);
  // Every key the restart table names is a key of the schema (a misspelt one would mark nothing):
  // site, gateway, state_dir and the 18 section keys.
  std::size_t marked = 0;
  for (auto at = reference.find("| at restart: "); at != std::string::npos; at = reference.find("| at restart: ", at + 1))
    ++marked;
  EXPECT_EQ(marked, 21u);
}

}  // namespace
