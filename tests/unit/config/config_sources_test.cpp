// The configuration as systemd and Debian lay it out (issue 22, item 5): drop-ins in
// `<main file>.d/*.yaml` merged in lexical order (maps key by key, lists and scalars replaced),
// errors naming the drop-in's own file and line; state_dir and the config file from
// $STATE_DIRECTORY and $CONFIGURATION_DIRECTORY when nothing names them. Real files in a temporary
// directory, read by load_config() as the daemon reads them.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/config/environment.hpp"
#include "tests/support/process.hpp"

namespace {

using wedge::config::load_config;
using wedge::test::TempDir;
using wedge::test::write_file;

// Sets an environment variable for one test case and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::vector<std::string> error_lines(const wedge::config::LoadResult& result) {
  std::vector<std::string> lines;
  for (const auto& e : result.errors) lines.push_back(e.to_string());
  return lines;
}

class DropIns : public ::testing::Test {
 protected:
  DropIns() {
    write_file(main_, "site: dc1\ngateway: gw1\nstate_dir: state\nlog:\n  level: warn\n"
                      "broker:\n  uri: mqtt://main.example:1883\n  keepalive_s: 45\n"
                      "http:\n  allowed_hosts: [a.lan, b.lan]\n"
                      "devices:\n  - {id: scanner-1, kind: scanner, driver: serial, path: /dev/ttyACM0}\n");
    std::filesystem::create_directory(dropin_dir_);
  }
  std::string dropin(const std::string& name) const { return dropin_dir_ + "/" + name; }

  TempDir dir_;
  std::string main_ = dir_.file("wedge.yaml");
  std::string dropin_dir_ = dir_.file("wedge.yaml.d");
};

TEST_F(DropIns, WithoutADropinDirectoryTheMainFileIsTheConfig) {
  std::filesystem::remove(dropin_dir_);
  const auto result = load_config(main_);
  ASSERT_TRUE(result.config) << error_lines(result)[0];
  EXPECT_TRUE(result.config->dropins.empty());
  EXPECT_EQ(result.config->section("broker").get_string("uri"), "mqtt://main.example:1883");
}

TEST_F(DropIns, MapsMergeKeyByKeyListsAndScalarsAreReplacedInLexicalOrder) {
  // 20- sorts after 10-, whatever order the directory lists them in.
  write_file(dropin("20-site.yaml"), "log:\n  level: debug\nhttp:\n  allowed_hosts: [c.lan]\n");
  write_file(dropin("10-broker.yaml"),
             "broker:\n  uri: mqtt://site.example:1883\nlog:\n  level: error\n"
             "devices:\n  - {id: scale-1, kind: scale, driver: modbus-tcp, host: 127.0.0.1, port: 502}\n");
  write_file(dropin("README"), "not yaml: [\n");            // other extensions are not drop-ins
  write_file(dropin(".30-hidden.yaml"), "site: [broken\n");  // nor are hidden files
  write_file(dropin("40-site.yaml.dpkg-dist"), "site: x\n");
  const auto result = load_config(main_);
  ASSERT_TRUE(result.config) << error_lines(result)[0];
  const auto& c = *result.config;
  EXPECT_EQ(c.dropins, (std::vector<std::string>{dropin("10-broker.yaml"), dropin("20-site.yaml")}));
  EXPECT_EQ(c.section("broker").get_string("uri"), "mqtt://site.example:1883");  // replaced
  EXPECT_EQ(c.section("broker").get_int("keepalive_s"), 45);                     // kept: maps merge
  EXPECT_EQ(c.section("log").get_string("level"), "debug");                       // the later file wins
  EXPECT_EQ(c.section("http").get_string_list("allowed_hosts"), std::vector<std::string>{"c.lan"});
  ASSERT_EQ(c.devices.size(), 1u);  // the list is replaced, not appended to
  EXPECT_EQ(c.devices[0].id, "scale-1");
  EXPECT_EQ(c.state_dir, dir_.file("state"));  // relative to the main file's directory
}

TEST_F(DropIns, AnErrorNamesTheDropinItsFileAndLine) {
  write_file(dropin("10-ok.yaml"), "broker:\n  uri: mqtt://site.example:1883\n");
  write_file(dropin("50-site.yaml"),
             "# site overrides\nbroker:\n  keepalive_s: often\n  reconect_min_ms: 5\nlgo:\n  level: info\n");
  write_file(main_, "site: dc1\ngateway: gw1\nlog:\n  levle: warn\n");
  const auto result = load_config(main_);
  EXPECT_FALSE(result.config);
  EXPECT_EQ(error_lines(result),
            (std::vector<std::string>{
                main_ + ":4:3: log.levle: unknown key (did you mean 'level'?)",
                dropin("50-site.yaml") + ":3:16: broker.keepalive_s: expected an integer, got 'often'",
                dropin("50-site.yaml") + ":4:3: broker.reconect_min_ms: unknown key (did you mean 'reconnect_min_ms'?)",
                dropin("50-site.yaml") + ":5:1: lgo: unknown key (did you mean 'log'?)",
            }));
}

TEST_F(DropIns, AListFromADropinReportsItsEntriesThere) {
  write_file(dropin("60-stations.yaml"),
             "stations:\n  - id: pick-1\n    steps: [pick]\n    scanner: scanner-9\n");
  const auto result = load_config(main_);
  EXPECT_EQ(error_lines(result),
            std::vector<std::string>{dropin("60-stations.yaml") +
                                     ":4:14: stations[0].scanner: no device with id 'scanner-9'"});
}

TEST_F(DropIns, AYamlSyntaxErrorNamesTheDropin) {
  write_file(dropin("10-bad.yaml"), "broker:\n  uri: [unclosed\n");
  const auto result = load_config(main_);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].file, dropin("10-bad.yaml"));
  EXPECT_EQ(result.errors[0].path, "(yaml)");
  EXPECT_GT(result.errors[0].line, 0);
}

TEST_F(DropIns, ADropinThatIsNotAMapIsRefusedAndAnEmptyOneChangesNothing) {
  write_file(dropin("10-empty.yaml"), "# nothing here yet\n");
  write_file(dropin("20-list.yaml"), "- a\n- b\n");
  const auto result = load_config(main_);
  EXPECT_EQ(error_lines(result),
            std::vector<std::string>{dropin("20-list.yaml") + ":1:1: (top): expected a map of settings, got a list"});
}

TEST_F(DropIns, AnUnreadableDropinIsAnErrorWithItsName) {
  std::filesystem::create_directory(dropin("10-dir.yaml"));
  const auto result = load_config(main_);
  EXPECT_EQ(error_lines(result), std::vector<std::string>{dropin("10-dir.yaml") + ": (file): cannot read: is a directory"});
}

TEST(SystemdDirectories, StateDirComesFromTheFileThenStateDirectoryThenTheDefault) {
  TempDir dir;
  const std::string minimal = "site: dc1\ngateway: gw1\n";
  write_file(dir.file("plain.yaml"), minimal);
  write_file(dir.file("named.yaml"), minimal + "state_dir: /srv/wedge\n");
  {
    ScopedEnv env("STATE_DIRECTORY", std::nullopt);
    EXPECT_EQ(load_config(dir.file("plain.yaml")).config->state_dir, "/var/lib/wedge");
  }
  ScopedEnv env("STATE_DIRECTORY", "/var/lib/wedge-test:/var/lib/second");
  EXPECT_EQ(load_config(dir.file("plain.yaml")).config->state_dir, "/var/lib/wedge-test");
  EXPECT_EQ(load_config(dir.file("plain.yaml")).config->root.get_string("state_dir"), "/var/lib/wedge-test");
  EXPECT_EQ(load_config(dir.file("named.yaml")).config->state_dir, "/srv/wedge");
}

TEST(SystemdDirectories, TheConfigFileDefaultsToConfigurationDirectory) {
  {
    ScopedEnv env("CONFIGURATION_DIRECTORY", std::nullopt);
    EXPECT_EQ(wedge::config::default_config_file(), "/etc/wedge/wedge.yaml");
  }
  ScopedEnv env("CONFIGURATION_DIRECTORY", "/etc/wedge-site");
  EXPECT_EQ(wedge::config::default_config_file(), "/etc/wedge-site/wedge.yaml");
}

TEST(SystemdDirectories, ListVariablesGiveTheirFirstDirectory) {
  EXPECT_EQ(wedge::config::first_directory(nullptr), std::nullopt);
  EXPECT_EQ(wedge::config::first_directory(""), std::nullopt);
  EXPECT_EQ(wedge::config::first_directory("/a"), "/a");
  EXPECT_EQ(wedge::config::first_directory("/a:/b"), "/a");
}

}  // namespace
