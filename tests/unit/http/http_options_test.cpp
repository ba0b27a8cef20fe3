#include <gtest/gtest.h>

#include "daemon/http/http_options.hpp"

#include "daemon/http/host_check.hpp"
#include "tests/support/process.hpp"

namespace wedge::http {
namespace {

TEST(ListenAddress, ParsesTheFormsTheConfigAllows) {
  auto v4 = parse_listen_address("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  EXPECT_TRUE(v4->loopback());
  auto v6 = parse_listen_address("[::1]:9000");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->loopback());
  auto local = parse_listen_address("localhost:80");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->host, "127.0.0.1");
  auto any = parse_listen_address("0.0.0.0:8080");
  ASSERT_TRUE(any);
  EXPECT_FALSE(any->loopback());
}

TEST(ListenAddress, RefusesWhatIsNotAddressColonPort) {
  for (const char* bad : {"8080", ":8080", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:80x",
                          "gateway.local:8080", "[::1:8080"}) {
    const auto refused = parse_listen_address(bad);
    EXPECT_FALSE(refused) << bad;
    EXPECT_FALSE(refused.reason().empty()) << bad;
  }
}

TEST(MakeOptions, ReadsAndTrimsTheTokenFile) {
  test::TempDir dir;
  test::write_file(dir.file("token"), "  abcdefghijklmnop0123\n");
  auto result = make_options("0.0.0.0:8080", dir.file("token"));
  ASSERT_TRUE(result) << result.reason();
  EXPECT_EQ(result->access_token, "abcdefghijklmnop0123");
  EXPECT_EQ(result->listen.port, 8080);
}

TEST(MakeOptions, RefusesMissingShortOrOddTokensAndOpenAddressesWithoutOne) {
  test::TempDir dir;
  test::write_file(dir.file("short"), "abc\n");
  test::write_file(dir.file("spaces"), "abcdefgh ijklmnopq\n");
  auto missing = make_options("127.0.0.1:8080", dir.file("absent"));
  EXPECT_EQ(missing.reason(), "http.access_token_file: cannot read " + dir.file("absent"));
  EXPECT_NE(make_options("127.0.0.1:8080", dir.file("short")).reason().find("at least 16"),
            std::string::npos);
  EXPECT_NE(make_options("127.0.0.1:8080", dir.file("spaces")).reason().find("printable"),
            std::string::npos);
  EXPECT_EQ(make_options("0.0.0.0:8080", "").reason(),
            "http.listen: listening on a non-loopback address requires http.access_token_file");
  EXPECT_NE(make_options("nonsense", "").reason().find("http.listen: expected address:port"),
            std::string::npos);
  auto loopback = make_options("127.0.0.1:8080", "");
  ASSERT_TRUE(loopback);
  EXPECT_TRUE(loopback->access_token.empty());
}

TEST(MakeOptions, NormalizesTheAllowedHostsAndRefusesBadOnes) {
  auto result = make_options("127.0.0.1:8080", "", {"Station-PC-7.lan.", "10.1.2.3", "::1", "[FD00::7]"});
  ASSERT_TRUE(result) << result.reason();
  EXPECT_EQ(result->allowed_hosts,
            (std::vector<std::string>{"station-pc-7.lan", "10.1.2.3", "::1", "fd00::7"}));
  EXPECT_EQ(make_options("127.0.0.1:8080", "", {"gw.lan", "gw.lan:8080"}).reason(),
            "http.allowed_hosts[1]: 'gw.lan:8080' has a port: list the name alone (any port is accepted)");
  for (const char* bad : {"", "a b", "*.lan", "http://gw.lan", "gw..lan", "[::1", "user@gw"}) {
    const auto refused = normalize_allowed_host(bad);
    EXPECT_FALSE(refused) << bad;
    EXPECT_NE(refused.reason().find("expected a host name or an IP address"), std::string::npos)
        << bad << ": " << refused.reason();
  }
}

}  // namespace
}  // namespace wedge::http
