#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tools/wedgectl/json_text.hpp"

namespace wedge::ctl {
namespace {

namespace json = boost::json;

TEST(RenderHuman, ObjectsBecomeIndentedLinesAndObjectArraysTables) {
  const auto value = json::parse(R"({"gateway":"gw1","broker":{"connected":false,"since":null},
      "stations":[{"id":"S1","step":"pick"},{"id":"S22","order":"O-9"}],"steps":["pick","pack"],
      "empty":[]})");
  EXPECT_EQ(render_human(value),
            "gateway: gw1\n"
            "broker:\n"
            "  connected: no\n"
            "  since: -\n"
            "stations:\n"
            "  ID   STEP  ORDER\n"
            "  S1   pick  -\n"
            "  S22  -     O-9\n"
            "steps: pick, pack\n"
            "empty: -\n");
}

TEST(RenderHuman, LongCellsAreCutAndEmptyListsSaySo) {
  const std::string long_text(100, 'r');
  json::array rows{json::object{{"reason", long_text}}};
  const auto text = render_human(rows);
  EXPECT_NE(text.find(std::string(45, 'r') + "..."), std::string::npos);
  EXPECT_EQ(text.find(std::string(46, 'r')), std::string::npos);
  EXPECT_EQ(render_human(json::array{}), "(none)\n");
}

}  // namespace
}  // namespace wedge::ctl
