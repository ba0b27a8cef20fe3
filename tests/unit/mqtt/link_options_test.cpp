// LinkOptions validation and the credentials-file permission check (refuse like ssh).
#include "daemon/mqtt/link_options.hpp"

#include "tests/support/mosquitto.hpp"
#include "tests/support/process.hpp"

#include <sys/stat.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace wedge::mqtt {
namespace {

LinkOptions good() {
  LinkOptions o;
  o.site = "dc1";
  o.gateway = "gw1";
  return o;
}

TEST(LinkOptions, DefaultsAreValid) {
  EXPECT_TRUE(validate(good()).empty());
  EXPECT_EQ(good().effective_client_id(), "wedge-dc1-gw1");
  EXPECT_EQ(good().topic_prefix, "wedge/v1");
}

TEST(LinkOptions, EveryProblemIsReported) {
  auto o = good();
  o.broker_uri = "http://x:1";
  o.mqtt_version = "4";
  o.topic_prefix = "/bad/";
  o.gateway = "g/w";
  o.cert_file = "c.pem";
  const auto errors = validate(o);
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[0], "mqtt.broker.uri: expected mqtt://host:port or mqtts://host:port, got 'http://x:1'");
  EXPECT_EQ(errors[1], "mqtt.mqtt_version: expected \"5\" or \"3.1.1\", got '4'");
}

TEST(LinkOptions, EveryBrokerNodeIsCheckedAndUriIsAListOfOne) {
  auto o = good();
  EXPECT_EQ(o.broker_nodes(), std::vector<std::string>{o.broker_uri});
  o.broker_uri = "http://unused:1";  // broker_uris take its place
  o.broker_uris = {"mqtt://a:1883", "mqtt://b:0", "mqtts://c:8883"};
  EXPECT_EQ(o.broker_nodes(), o.broker_uris);
  const auto errors = validate(o);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "mqtt.broker.uris[1]: port '0' out of range 1..65535");
  EXPECT_EQ(errors[1], "mqtt.broker.uris[2]: all nodes need the same scheme (mqtt:// or mqtts://), got 'mqtts://c:8883'");
}

TEST(Credentials, RefusesFilesOthersCanRead) {
  test::TempDir dir;
  const auto path = dir.file("creds");
  test::write_file(path, "username=gw1\npassword=s3cret\n");
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    const auto result = load_credentials(path);
    EXPECT_FALSE(result) << std::oct << mode;
    EXPECT_NE(result.reason().find("too open"), std::string::npos) << result.reason();
    EXPECT_EQ(result.reason().find("s3cret"), std::string::npos);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  const auto ok = load_credentials(path);
  ASSERT_TRUE(ok) << ok.reason();
  EXPECT_EQ(ok->username, "gw1");
  EXPECT_EQ(ok->password, "s3cret");
}

TEST(Credentials, MissingFileBadLineAndNoUser) {
  test::TempDir dir;
  EXPECT_NE(load_credentials(dir.file("absent")).reason().find("cannot be read"), std::string::npos);
  const auto path = dir.file("creds");
  test::write_file(path, "# comment\npassword=only\n");
  ::chmod(path.c_str(), 0600);
  EXPECT_NE(load_credentials(path).reason().find("no username"), std::string::npos);
  test::write_file(path, "username=a\nhunter2\n");
  const auto bad = load_credentials(path);
  EXPECT_NE(bad.reason().find(":2: expected"), std::string::npos) << bad.reason();
  EXPECT_EQ(bad.reason().find("hunter2"), std::string::npos);
}

// Regression (issue 17): a file with a username and no password line was taken, and the broker
// then saw a login without a password.
TEST(Credentials, WithoutAPasswordIsRefused) {
  test::TempDir dir;
  const auto path = dir.file("creds");
  for (const char* text : {"username=gw1\n", "username=gw1\npassword=\n"}) {
    test::write_file(path, text);
    ::chmod(path.c_str(), 0600);
    const auto result = load_credentials(path);
    EXPECT_FALSE(result) << text;
    EXPECT_EQ(result.reason(), "credentials file " + path + ": no password= line (or an empty password)");
  }
}

class TlsFiles : public ::testing::Test {
 protected:
  TlsFiles() : pki_(test::make_test_pki(dir_.path())) {
    options_ = good();
    options_.broker_uri = "mqtts://localhost:8883";
    options_.state_dir = dir_.path();
    options_.ca_file = pki_.ca_cert;
    options_.cert_file = pki_.client_cert;
    options_.key_file = pki_.client_key;
  }
  test::TempDir dir_;
  test::TestPki pki_;
  LinkOptions options_;
};

TEST_F(TlsFiles, GoodFilesPass) {
  EXPECT_TRUE(tls_file_problems(options_).empty());
  EXPECT_TRUE(startup_problems(options_).empty());
}

// Regression (issue 17): a private key others could read was used as is.
TEST_F(TlsFiles, APrivateKeyGroupOrOthersCanReadIsRefused) {
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    ASSERT_EQ(::chmod(pki_.client_key.c_str(), mode), 0);
    const auto problems = tls_file_problems(options_);
    ASSERT_EQ(problems.size(), 1u) << std::oct << mode;
    EXPECT_EQ(problems[0], fmt::format("broker.key_file {}: permissions {:04o} are too open; it must not be "
                                       "readable or writable by group or others (chmod 600)",
                                       pki_.client_key, mode));
  }
}

TEST_F(TlsFiles, FilesThatAreNotWhatTheirKeySaysAreNamed) {
  test::write_file(dir_.file("junk.pem"), "junk\n");
  options_.ca_file = dir_.file("junk.pem");
  ASSERT_EQ(tls_file_problems(options_).size(), 1u);
  EXPECT_NE(tls_file_problems(options_)[0].find("broker.ca_file"), std::string::npos);
  options_.ca_file = pki_.ca_cert;
  options_.key_file = pki_.server_key;  // another certificate's key
  const auto problems = tls_file_problems(options_);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("is not the key of broker.cert_file"), std::string::npos) << problems[0];
  options_.key_file = dir_.file("absent.key");
  EXPECT_NE(tls_file_problems(options_).at(0).find("cannot be read"), std::string::npos);
}

TEST_F(TlsFiles, StartupProblemsCoverCredentialsToo) {
  test::write_file(dir_.file("creds"), "username=gw1\npassword=x\n");
  ::chmod(dir_.file("creds").c_str(), 0644);
  options_.credentials_file = dir_.file("creds");
  const auto problems = startup_problems(options_);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("too open"), std::string::npos) << problems[0];
}

}  // namespace
}  // namespace wedge::mqtt
