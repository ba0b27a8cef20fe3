// wedge run as the packaged unit runs it (issue 22, item 5): broker credentials from
// LoadCredential= ($CREDENTIALS_DIRECTORY), state_dir from StateDirectory= ($STATE_DIRECTORY), the
// config file from ConfigurationDirectory= ($CONFIGURATION_DIRECTORY), and `wedgectl
// check-config` / `wedgectl --version` agreeing with wedge. Real binaries, a real mosquitto that
// refuses anonymous clients, real files.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/mosquitto.hpp"
#include "tests/support/wedge_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using namespace wedge::test;  // the peers and helpers of tests/support

const std::string& kWedge = wedge_binary();
const std::string& kWedgectl = wedgectl_binary();

struct Run {
  int exit_code = -1;
  std::string output;
};

Run run(std::vector<std::string> argv, std::vector<std::string> env = {}) {
  TempDir dir;
  Subprocess p(std::move(argv), dir.file("out"), std::move(env));
  const int status = p.wait(10s);
  return {status == -1 || !WIFEXITED(status) ? -1 : WEXITSTATUS(status), p.log()};
}

class SystemdEnvironment : public ::testing::Test {
 protected:
  SystemdEnvironment() {
    std::filesystem::create_directory(credentials_dir_);
    // systemd may grant the service user access to its copy with an ACL, whose mask shows as group
    // bits: a mode the check for a site's own credentials_file refuses.
    write_file(credential_, "username=gw1\npassword=s3cret\n");
    ::chmod(credential_.c_str(), 0640);
  }
  std::string write_config(const std::string& broker) {
    const std::string path = dir_.file("wedge.yaml");
    write_file(path, "site: s1\ngateway: gw1\nbroker:\n  uri: mqtt://127.0.0.1:1\n" + broker);
    return path;
  }
  std::vector<std::string> env() const {
    return {"CREDENTIALS_DIRECTORY=" + credentials_dir_, "STATE_DIRECTORY=" + dir_.file("state")};
  }

  TempDir dir_;
  std::string credentials_dir_ = dir_.file("credentials");
  std::string credential_ = credentials_dir_ + "/wedge_broker";
};

TEST_F(SystemdEnvironment, TheDaemonLogsInWithTheCredentialAndKeepsStateInStateDirectory) {
  const auto passwords = dir_.file("passwd");
  ASSERT_EQ(std::system(("mosquitto_passwd -b -c " + passwords + " gw1 s3cret >/dev/null 2>&1").c_str()), 0);
  ::chmod(passwords.c_str(), 0644);  // mosquitto reads it as its own user
  MosquittoOptions options;
  options.extra_config = "allow_anonymous false\npassword_file " + passwords + "\n";
  Mosquitto broker(options);
  const std::string config = dir_.file("wedge.yaml");
  write_file(config, "site: s1\ngateway: gw1\nbroker:\n  uri: " + broker.uri() + "\n  credential: wedge_broker\n"
                     "http:\n  listen: 127.0.0.1:" + std::to_string(free_tcp_port()) + "\n");

  const auto checked = run({kWedge, "--check-config", config}, env());
  EXPECT_EQ(checked.exit_code, 0) << checked.output;

  Subprocess daemon({kWedge, "--config", config}, dir_.file("wedge.log"), env());
  EXPECT_TRUE(wait_until([&] { return broker.log_lines({"New client connected", "u'gw1'"}) >= 2; }, 20s))
      << broker.log() << daemon.log();
  EXPECT_TRUE(wait_until([&] { return std::filesystem::exists(dir_.file("state") + "/outbox.db"); }))
      << daemon.log();
  daemon.stop();
  EXPECT_EQ(daemon.log().find("s3cret"), std::string::npos);
}

TEST_F(SystemdEnvironment, TheModeCheckStaysForACredentialsFileOfTheSite) {
  const auto checked = run({kWedge, "--check-config", write_config("  credentials_file: " + credential_ + "\n")});
  EXPECT_EQ(checked.exit_code, 2);
  EXPECT_NE(checked.output.find("permissions 0640 are too open"), std::string::npos) << checked.output;
}

TEST_F(SystemdEnvironment, ACredentialWithoutCredentialsDirectoryIsAStartupProblem) {
  const std::string config = write_config("  credential: wedge_broker\n");
  const std::vector<std::string> no_credentials = {"STATE_DIRECTORY=" + dir_.file("state")};
  const std::string expected =
      "broker.credential wedge_broker: $CREDENTIALS_DIRECTORY is not set; run wedge from its unit "
      "(LoadCredential=) or use broker.credentials_file";
  ::unsetenv("CREDENTIALS_DIRECTORY");
  const auto checked = run({kWedge, "--check-config", config}, no_credentials);
  EXPECT_EQ(checked.exit_code, 2);
  EXPECT_NE(checked.output.find(expected), std::string::npos) << checked.output;
  const auto started = run({kWedge, "--config", config}, no_credentials);
  EXPECT_EQ(started.exit_code, 1);
  EXPECT_NE(started.output.find(expected), std::string::npos) << started.output;
}

TEST_F(SystemdEnvironment, AMissingCredentialIsNamed) {
  std::filesystem::remove(credential_);
  const auto checked = run({kWedge, "--check-config", write_config("  credential: wedge_broker\n")}, env());
  EXPECT_EQ(checked.exit_code, 2);
  EXPECT_NE(checked.output.find("credentials file " + credential_ + ": cannot be read"), std::string::npos)
      << checked.output;
}

TEST_F(SystemdEnvironment, CredentialAndCredentialsFileTogetherAreRefused) {
  const auto checked =
      run({kWedge, "--check-config", write_config("  credential: wedge_broker\n  credentials_file: " + credential_ + "\n")},
          env());
  EXPECT_EQ(checked.exit_code, 2);
  EXPECT_NE(checked.output.find(dir_.file("wedge.yaml") +
                                ":5:15: broker.credential: give broker.credential or broker.credentials_file, not both"),
            std::string::npos)
      << checked.output;
}

TEST_F(SystemdEnvironment, WithoutAFileBothToolsCheckConfigurationDirectory) {
  write_config("");
  std::filesystem::create_directory(dir_.file("wedge.yaml.d"));
  write_file(dir_.file("wedge.yaml.d/10-site.yaml"), "log:\n  level: debug\n");
  const std::vector<std::string> configuration = {"CONFIGURATION_DIRECTORY=" + dir_.path(),
                                                  "STATE_DIRECTORY=" + dir_.file("state")};
  const std::string expected = dir_.file("wedge.yaml") + ": valid (0 devices, 0 stations, 1 drop-ins)\n";
  const auto wedge = run({kWedge, "--check-config"}, configuration);
  EXPECT_EQ(wedge.exit_code, 0) << wedge.output;
  EXPECT_EQ(wedge.output, expected);
  const auto ctl = run({kWedgectl, "check-config"}, configuration);
  EXPECT_EQ(ctl.exit_code, 0) << ctl.output;
  EXPECT_EQ(ctl.output, expected);
}

TEST_F(SystemdEnvironment, WedgectlCheckConfigReportsWhatWedgeReports) {
  write_config("");
  std::filesystem::create_directory(dir_.file("wedge.yaml.d"));
  write_file(dir_.file("wedge.yaml.d/20-bad.yaml"), "broker:\n  keepalive_s: often\n");
  const auto wedge = run({kWedge, "--check-config", dir_.file("wedge.yaml")}, env());
  const auto ctl = run({kWedgectl, "check-config", dir_.file("wedge.yaml")}, env());
  EXPECT_EQ(wedge.exit_code, 2);
  EXPECT_EQ(ctl.exit_code, 2);
  EXPECT_EQ(ctl.output, wedge.output);
  EXPECT_NE(ctl.output.find(dir_.file("wedge.yaml.d/20-bad.yaml") + ":2:16: broker.keepalive_s: expected an integer"),
            std::string::npos)
      << ctl.output;
}

TEST(WedgectlVersion, PrintsTheVersionWedgePrints) {
  const auto wedge = run({kWedge, "--version"});
  const auto ctl = run({kWedgectl, "--version"});
  EXPECT_EQ(ctl.exit_code, 0);
  ASSERT_EQ(wedge.output.rfind("wedge ", 0), 0u) << wedge.output;
  EXPECT_EQ(ctl.output, "wedgectl " + wedge.output.substr(6));
}

}  // namespace
