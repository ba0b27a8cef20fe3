// `wedge --check-config` makes every check that start-up makes (issue 17, item 6): each bad setup
// below passed --check-config before (exit 0) and stopped start-up; now --check-config reports it
// (exit 2) with the very sentence the daemon logs when it refuses to start (exit 1).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/mosquitto.hpp"
#include "tests/support/process.hpp"

namespace {

using namespace std::chrono_literals;
using wedge::test::Subprocess;
using wedge::test::TempDir;
using wedge::test::write_file;

const std::string kWedge = std::string(WEDGE_BINARY_DIR) + "/daemon/wedge";

struct Run {
  int exit_code = -1;
  std::string output;
};

Run run_wedge(const std::string& option, const std::string& config) {
  TempDir dir;
  Subprocess p({kWedge, option, config}, dir.file("out"));
  const int status = p.wait(10s);
  return {status == -1 || !WIFEXITED(status) ? -1 : WEXITSTATUS(status), p.log()};
}

class CheckConfig : public ::testing::Test {
 protected:
  CheckConfig() {
    pki_ = wedge::test::make_test_pki(dir_.path());
    write_file(creds_, "username=gw1\npassword=s3cret\n");
    ::chmod(creds_.c_str(), 0600);
    ::chmod(pki_.client_key.c_str(), 0600);
  }

  // A config whose broker section is `broker` and whose top level ends with `extra`.
  std::string write_config(const std::string& broker, const std::string& extra = "") {
    const std::string path = dir_.file("wedge.yaml");
    write_file(path, "site: s1\ngateway: gw1\nstate_dir: " + state_dir_ + "\nbroker:\n" + broker + extra);
    return path;
  }
  std::string tls_broker() const {
    return "  uri: mqtts://localhost:1\n  ca_file: " + pki_.ca_cert + "\n  cert_file: " + pki_.client_cert +
           "\n  key_file: " + pki_.client_key + "\n  credentials_file: " + creds_ + "\n";
  }

  // --check-config and the daemon agree: exit 2 and exit 1, each saying `expected`.
  void expect_refused(const std::string& config, const std::string& expected) {
    const auto checked = run_wedge("--check-config", config);
    EXPECT_EQ(checked.exit_code, 2) << checked.output;
    EXPECT_NE(checked.output.find(expected), std::string::npos) << checked.output;
    const auto started = run_wedge("--config", config);
    EXPECT_EQ(started.exit_code, 1) << started.output;
    EXPECT_NE(started.output.find(expected), std::string::npos) << started.output;
    EXPECT_EQ(checked.output.find("s3cret"), std::string::npos);
    EXPECT_EQ(started.output.find("s3cret"), std::string::npos);
  }

  TempDir dir_;
  wedge::test::TestPki pki_;
  std::string creds_ = dir_.file("creds");
  std::string state_dir_ = dir_.file("state");
};

TEST_F(CheckConfig, AGoodSetupPasses) {
  const auto checked = run_wedge("--check-config", write_config(tls_broker()));
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
}

TEST_F(CheckConfig, CredentialsFileReadableByOthers) {
  ::chmod(creds_.c_str(), 0644);
  expect_refused(write_config(tls_broker()), "credentials file " + creds_ + ": permissions 0644 are too open");
}

TEST_F(CheckConfig, CredentialsFileWithoutPassword) {
  write_file(creds_, "username=gw1\n");
  expect_refused(write_config(tls_broker()), "credentials file " + creds_ + ": no password= line");
}

TEST_F(CheckConfig, PrivateKeyReadableByOthers) {
  ::chmod(pki_.client_key.c_str(), 0640);
  expect_refused(write_config(tls_broker()), "broker.key_file " + pki_.client_key + ": permissions 0640 are too open");
}

TEST_F(CheckConfig, CaFileThatHoldsNoCertificate) {
  write_file(pki_.ca_cert, "not a certificate\n");
  expect_refused(write_config(tls_broker()), "broker.ca_file " + pki_.ca_cert + ": holds no PEM CA certificate");
}

TEST_F(CheckConfig, KeyThatIsNotTheCertificatesKey) {
  TempDir other_dir;
  const auto other = wedge::test::make_test_pki(other_dir.path());
  ::chmod(other.client_key.c_str(), 0600);
  std::filesystem::copy_file(other.client_key, pki_.client_key, std::filesystem::copy_options::overwrite_existing);
  expect_refused(write_config(tls_broker()), "is not the key of broker.cert_file");
}

TEST_F(CheckConfig, StateDirThatIsAFile) {
  write_file(state_dir_, "");
  expect_refused(write_config("  uri: mqtt://127.0.0.1:1\n"), "state_dir " + state_dir_ + ": " + state_dir_ +
                                                                    " is not a directory");
}

TEST_F(CheckConfig, SsccCompanyPrefixThatIsNotDigits) {
  expect_refused(write_config("  uri: mqtt://127.0.0.1:1\n", "printing:\n  gs1_company_prefix: \"40123ab\"\n"),
                 "printing.gs1_company_prefix must be 7 to 10 digits, got '40123ab'");
}

TEST_F(CheckConfig, TemplateDirThatIsNotAFolderWithAPrinter) {
  write_file(dir_.file("templates"), "");
  expect_refused(write_config("  uri: mqtt://127.0.0.1:1\n",
                              "printing:\n  template_dir: templates\ndevices:\n"
                              "  - {id: printer-1, kind: printer, driver: zpl-tcp, host: 127.0.0.1, port: 9100}\n"),
                 "printing.template_dir " + dir_.file("templates") + ": not a directory");
}

}  // namespace
