// LinkOptions validation and the credentials-file permission check (refuse like ssh).
#include "daemon/mqtt/link_options.hpp"

#include "tests/support/process.hpp"

#include <sys/stat.h>

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

TEST(Credentials, RefusesFilesOthersCanRead) {
  test::TempDir dir;
  const auto path = dir.file("creds");
  test::write_file(path, "username=gw1\npassword=s3cret\n");
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    const auto result = load_credentials(path);
    EXPECT_FALSE(result.credentials.has_value()) << std::oct << mode;
    EXPECT_NE(result.error.find("too open"), std::string::npos) << result.error;
    EXPECT_EQ(result.error.find("s3cret"), std::string::npos);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  const auto ok = load_credentials(path);
  ASSERT_TRUE(ok.credentials.has_value()) << ok.error;
  EXPECT_EQ(ok.credentials->username, "gw1");
  EXPECT_EQ(ok.credentials->password, "s3cret");
}

TEST(Credentials, MissingFileBadLineAndNoUser) {
  test::TempDir dir;
  EXPECT_NE(load_credentials(dir.file("absent")).error.find("cannot be read"), std::string::npos);
  const auto path = dir.file("creds");
  test::write_file(path, "# comment\npassword=only\n");
  ::chmod(path.c_str(), 0600);
  EXPECT_NE(load_credentials(path).error.find("no username"), std::string::npos);
  test::write_file(path, "username=a\nhunter2\n");
  const auto bad = load_credentials(path);
  EXPECT_NE(bad.error.find(":2: expected"), std::string::npos) << bad.error;
  EXPECT_EQ(bad.error.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace wedge::mqtt
