// A reload at the stations (Stations::reload_problems / detach_devices / reconfigure, as
// daemon/app_reload.cpp drives them) against the real simulators: an order in progress keeps its
// step, phase and progress while its station's entry changes and a station is added; an edited
// label template is read again (no stale cache); removing a station with an order, or taking away
// the step its order is at, is refused with the reason.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using commands::CommandType;

// The reload the app makes, for a configuration the stations accept.
void reload(StationEnv& env, config::Config next) {
  ASSERT_TRUE(env.stations().reload_problems(next).empty());
  env.stations().detach_devices();
  env.running_config() = std::move(next);
  env.stations().reconfigure();
}

bool printed_text(PrinterSim& printer, std::size_t label, const std::string& needle) {
  const auto render = printer.render();
  if (render.labels.size() <= label) return false;
  for (const auto& field : render.labels[label].fields)
    if (field.text.find(needle) != std::string::npos) return true;
  return false;
}

station::ActionResult reprint(StationEnv& env) {
  std::optional<station::ActionResult> result;
  env.stations().reprint_label("st1", [&](const station::ActionResult& r) { result = r; });
  EXPECT_TRUE(env.run_until([&] { return result.has_value(); }));
  return result.value_or(station::ActionResult{});
}

TEST(StationReload, AnOrderInProgressKeepsItsStepPhaseAndProgressAndGoesOnAfterwards) {
  StationEnv env;
  env.pick_list("O-1");
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-1"; }));
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  const auto before = env.snap();
  ASSERT_EQ(before.phase, "picking");

  auto next = env.config();
  next.stations[0].settings.set("min_shelf_life_days", std::int64_t{3});
  auto added = next.stations[0];
  added.id = "st2";
  added.steps = {"pick"};
  added.scanner.clear();
  added.scale.clear();
  added.printer.clear();
  added.light.clear();
  next.stations.push_back(added);
  reload(env, std::move(next));

  const auto after = env.snap();
  EXPECT_EQ(after.order_id, "O-1");
  EXPECT_EQ(after.step, "pick");
  EXPECT_EQ(after.phase, "picking");
  EXPECT_EQ(after.lines_done, before.lines_done);
  ASSERT_TRUE(env.stations().snapshot("st2").has_value());
  // The station's devices are its own again: the scale weighs, the printer prints.
  EXPECT_EQ(env.scan("9506000134352").verdict, "accepted");
  EXPECT_EQ(env.scan("4006381333931").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-1", "pick.completed"));
  env.pack_to_label("O-1");
  EXPECT_EQ(env.printer().count(), 1);
}

TEST(StationReload, AnEditedLabelTemplateIsReadAgain) {
  StationEnv env;
  env.pick_list("O-1");
  env.pick_all();
  env.pack_to_label("O-1");
  ASSERT_TRUE(env.run_until([&] { return env.printer().count() == 1; }));
  EXPECT_FALSE(printed_text(env.printer(), 0, "EDITED-TEMPLATE"));

  const std::string path = env.dir().file("templates/shipping.zpl");
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  std::string zpl = text.str();
  zpl.replace(zpl.rfind("^XZ"), 3, "^FO20,20^A0N,20,20^FDEDITED-TEMPLATE^FS^XZ");
  write_file(path, zpl);
  reload(env, env.config());

  EXPECT_TRUE(reprint(env).has_value());
  ASSERT_TRUE(env.run_until([&] { return env.printer().count() == 2; }));
  EXPECT_TRUE(printed_text(env.printer(), 1, "EDITED-TEMPLATE")) << "the label came from a stale template";
}

TEST(StationReload, RemovingAStationWithAnOrderOrTheStepItsOrderIsAtIsRefused) {
  StationEnv env;
  env.pick_list("O-1");
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-1"; }));

  auto without = env.config();
  without.stations.clear();
  const auto removed = env.stations().reload_problems(without);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0], "station st1 is removed but has order O-1 (pick/picking): finish, cancel or move it first");

  auto pack_only = env.config();
  pack_only.stations[0].steps = {"pack", "ship"};
  const auto step = env.stations().reload_problems(pack_only);
  ASSERT_EQ(step.size(), 1u);
  EXPECT_EQ(step[0], "station st1 would no longer do step pick, where its order O-1 is");

  // Once the order is cancelled the station may go.
  ASSERT_TRUE(env.apply(command(CommandType::order_cancel, "O-1", R"({"reason":"customer"})")).accepted);
  ASSERT_TRUE(env.wait_event("O-1", "order.cancelled"));
  ASSERT_TRUE(env.run_until([&] { return env.stations().reload_problems(without).empty(); }));
  reload(env, std::move(without));
  EXPECT_FALSE(env.stations().snapshot("st1").has_value());
}

}  // namespace
}  // namespace wedge::test
