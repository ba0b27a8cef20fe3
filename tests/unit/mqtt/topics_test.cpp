// The topic tree, as documented in docs/mqtt-api.md.
#include "daemon/mqtt/topics.hpp"

#include <gtest/gtest.h>

namespace wedge::mqtt {
namespace {

TEST(Topics, Tree) {
  const Topics t("wedge/v1", "dc1", "gw1");
  EXPECT_EQ(t.status(), "wedge/v1/dc1/gw1/status");
  EXPECT_EQ(t.device_status("scale-1"), "wedge/v1/dc1/gw1/device/scale-1/status");
  EXPECT_EQ(t.event("st1", "pick.scan_accepted"), "wedge/v1/dc1/gw1/station/st1/event/pick.scan_accepted");
  EXPECT_EQ(t.event("", "gateway.started"), "wedge/v1/dc1/gw1/event/gateway.started");
  EXPECT_EQ(t.telemetry("st1", "scale.weight"), "wedge/v1/dc1/gw1/station/st1/telemetry/scale.weight");
  EXPECT_EQ(t.telemetry("", "outbox.depth"), "wedge/v1/dc1/gw1/telemetry/outbox.depth");
  EXPECT_EQ(t.command("order.cancel"), "wedge/v1/dc1/gw1/cmd/order.cancel");
  EXPECT_EQ(t.command_filter(), "wedge/v1/dc1/gw1/cmd/#");
  EXPECT_EQ(t.ack(), "wedge/v1/dc1/gw1/ack");
}

TEST(Topics, CommandTypeOfATopic) {
  const Topics t("acme/wms", "s", "g");
  EXPECT_EQ(t.command_type("acme/wms/s/g/cmd/pick_list"), "pick_list");
  EXPECT_EQ(t.command_type("acme/wms/s/g/cmd/x/y"), "x/y");
  EXPECT_EQ(t.command_type("acme/wms/s/g/cmd/"), "");
  EXPECT_EQ(t.command_type("acme/wms/s/other/cmd/pick_list"), "");
}

TEST(Topics, ValidLevels) {
  EXPECT_TRUE(Topics::is_valid_level("st-1"));
  EXPECT_FALSE(Topics::is_valid_level(""));
  EXPECT_FALSE(Topics::is_valid_level("a/b"));
  EXPECT_FALSE(Topics::is_valid_level("a+"));
  EXPECT_FALSE(Topics::is_valid_level("#"));
  EXPECT_FALSE(Topics::is_valid_level("$SYS"));
}

}  // namespace
}  // namespace wedge::mqtt
