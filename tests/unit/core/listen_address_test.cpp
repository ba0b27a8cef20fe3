// The one listen-address parser, shared by the config validator and the HTTP server: one port
// range (1..65535), the same messages in both places.
#include "daemon/core/listen_address.hpp"

#include <gtest/gtest.h>

namespace {

using wedge::core::parse_listen_address;

TEST(ListenAddress, RefusesPortZeroAndPortsAboveTheRange) {
  for (const auto& [text, error] : {std::pair{"127.0.0.1:0", "port '0' out of range 1..65535"},
                                    std::pair{"127.0.0.1:65536", "port '65536' out of range 1..65535"},
                                    std::pair{"127.0.0.1:", "port '' out of range 1..65535"},
                                    std::pair{"localhost", "expected address:port, got 'localhost'"},
                                    std::pair{"gateway.local:8080",
                                              "'gateway.local' is not an IP address (use e.g. 0.0.0.0 or 127.0.0.1)"}}) {
    const auto refused = parse_listen_address(text);
    EXPECT_FALSE(refused) << text;
    EXPECT_EQ(refused.reason(), error) << text;
  }
}

TEST(ListenAddress, TheEndsOfTheRangeAndLoopback) {
  const auto low = parse_listen_address("127.0.0.1:1");
  ASSERT_TRUE(low);
  EXPECT_EQ(low->port, 1);
  EXPECT_TRUE(low->loopback());
  const auto high = parse_listen_address("[::1]:65535");
  ASSERT_TRUE(high);
  EXPECT_EQ(high->host, "::1");
  EXPECT_EQ(high->port, 65535);
  EXPECT_TRUE(high->loopback());
  EXPECT_TRUE(parse_listen_address("127.0.0.2:8080")->loopback());
  EXPECT_FALSE(parse_listen_address("0.0.0.0:8080")->loopback());
}

}  // namespace
