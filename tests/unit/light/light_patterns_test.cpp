// LightPatterns (defaults, config table, coil images) and the Light base class's pattern timing,
// with a minimal concrete Light that records the coil images it is asked to write.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <vector>

#include "drivers/light/light.hpp"
#include "drivers/light/light_patterns.hpp"
#include "drivers/light/schema.hpp"
#include "tests/support/scale_testing.hpp"

namespace wedge::drivers::light {
namespace {

using std::chrono::milliseconds;
using Image = std::vector<std::uint8_t>;

TEST(LightPatterns, DefaultsExist) {
  LightPatterns patterns;
  for (const char* name : {"accepted", "rejected", "attention", "offline", "off"})
    EXPECT_NE(patterns.find(name), nullptr) << name;
  EXPECT_EQ(patterns.find("accepted")->coils, std::vector<int>({2}));
  EXPECT_EQ(patterns.find("rejected")->coils, std::vector<int>({0, 3}));
  EXPECT_EQ(patterns.find("nope"), nullptr);
}

TEST(LightPatterns, ConfigOverridesAndAdds) {
  Settings rejected;
  rejected.set("coils", std::vector<std::int64_t>{0, 4, 99});
  rejected.set("duration_ms", std::int64_t{800});
  rejected.set("blink_ms", std::int64_t{0});
  Settings quiet;
  quiet.set("coils", std::vector<std::int64_t>{5});
  quiet.set("duration_ms", std::int64_t{0});
  quiet.set("blink_ms", std::int64_t{250});
  Settings device;
  device.set_table("patterns", {{"rejected", rejected}, {"quiet", quiet}});
  const auto patterns = LightPatterns::from_settings(device, 8, "light-1");
  EXPECT_EQ(patterns.find("rejected")->coils, std::vector<int>({0, 4}));  // 99 dropped
  EXPECT_EQ(patterns.find("rejected")->duration, milliseconds(800));
  EXPECT_EQ(patterns.find("quiet")->blink, milliseconds(250));
  EXPECT_NE(patterns.find("accepted"), nullptr);
}

TEST(LightPatterns, CoilImages) {
  const LightPattern pattern{{1, 3}, milliseconds(0), milliseconds(0)};
  EXPECT_EQ(coil_states(pattern, 4, true), Image({0, 1, 0, 1}));
  EXPECT_EQ(coil_states(pattern, 4, false), Image({0, 0, 0, 0}));
  EXPECT_EQ(coil_states(pattern, 2, true), Image({0, 1}));  // out of range ignored
}

TEST(LightSchema, PatternEntryDeclaresItsKeys) {
  const auto& schema = light_pattern_schema();
  ASSERT_EQ(schema.size(), 3U);
  EXPECT_EQ(schema[0].name, "coils");
  EXPECT_TRUE(schema[0].required);
}

class RecordingLight : public Light {
 public:
  RecordingLight(boost::asio::any_io_executor loop, LightPatterns patterns, std::string idle)
      : Light(std::move(loop), "light-under-test", std::move(patterns), 4, std::move(idle)) {}
  void start() override { show_idle(); }
  void stop() override { stop_patterns(); }
  std::vector<Image> images;

 protected:
  void write_coils(const Image& states) override { images.push_back(states); }
};

TEST(Light, TimedPatternReturnsToIdle) {
  boost::asio::io_context io;
  LightPatterns patterns;
  patterns.set("accepted", {{2}, milliseconds(60), milliseconds(0)});
  RecordingLight light(io.get_executor(), patterns, "off");
  light.start();
  ASSERT_TRUE(light.signal("accepted"));
  EXPECT_EQ(light.images.back(), Image({0, 0, 1, 0}));
  EXPECT_EQ(light.current_pattern(), "accepted");
  ASSERT_TRUE(test::run_until(io, [&] { return light.current_pattern() == "off"; }));
  EXPECT_EQ(light.images.back(), Image({0, 0, 0, 0}));
}

TEST(Light, BlinkTogglesUntilReplaced) {
  boost::asio::io_context io;
  LightPatterns patterns;
  patterns.set("attention", {{1}, milliseconds(0), milliseconds(20)});
  RecordingLight light(io.get_executor(), patterns, "off");
  light.start();
  ASSERT_TRUE(light.signal("attention"));
  ASSERT_TRUE(test::run_until(io, [&] { return light.images.size() >= 5; }));
  // idle, on, off, on, off ...
  EXPECT_EQ(light.images[1], Image({0, 1, 0, 0}));
  EXPECT_EQ(light.images[2], Image({0, 0, 0, 0}));
  EXPECT_EQ(light.images[3], Image({0, 1, 0, 0}));
  ASSERT_TRUE(light.signal("rejected"));
  const auto count = light.images.size();
  test::run_for(io, milliseconds(100));
  EXPECT_EQ(light.images.size(), count);  // no more blinking, rejected is steady
  EXPECT_EQ(light.images.back(), Image({1, 0, 0, 1}));
}

TEST(Light, NewSignalCancelsOldDuration) {
  boost::asio::io_context io;
  LightPatterns patterns;
  patterns.set("accepted", {{2}, milliseconds(30), milliseconds(0)});
  patterns.set("hold", {{0}, milliseconds(0), milliseconds(0)});
  RecordingLight light(io.get_executor(), patterns, "off");
  light.start();
  ASSERT_TRUE(light.signal("accepted"));
  ASSERT_TRUE(light.signal("hold"));
  test::run_for(io, milliseconds(100));
  EXPECT_EQ(light.current_pattern(), "hold");
  EXPECT_EQ(light.images.back(), Image({1, 0, 0, 0}));
}

TEST(Light, UnknownPatternChangesNothing) {
  boost::asio::io_context io;
  RecordingLight light(io.get_executor(), LightPatterns{}, "off");
  light.start();
  const auto count = light.images.size();
  EXPECT_FALSE(light.signal("disco"));
  EXPECT_EQ(light.images.size(), count);
  EXPECT_EQ(light.current_pattern(), "off");
}

TEST(Light, UnknownIdlePatternFallsBackToOff) {
  boost::asio::io_context io;
  RecordingLight light(io.get_executor(), LightPatterns{}, "no-such");
  light.start();
  EXPECT_EQ(light.current_pattern(), "off");
  EXPECT_EQ(light.images.back(), Image({0, 0, 0, 0}));
}

}  // namespace
}  // namespace wedge::drivers::light
