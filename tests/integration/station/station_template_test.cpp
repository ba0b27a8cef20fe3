// Label template names from the OMS stay inside printing.template_dir (issue 17, item 1).
// Regression: a pick list with "label_template":"../evil" was accepted, and at pack the printer
// received <config dir>/evil.zpl verbatim — a ~JR (printer reset) in it went straight through.
#include "tests/integration/station/station_env.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace wedge::test {
namespace {

using commands::CommandType;

// A ZPL file outside the template folder that resets the printer if it is ever sent.
constexpr const char* kEvilZpl = "~JR\n^XA^FO50,50^A0N,30,30^FDevil^FS^XZ\n";

std::string with_template(const std::string& name) {
  std::string body = order_body();
  const std::string from = R"("label_template":"shipping")";
  body.replace(body.find(from), from.size(), R"("label_template":")" + name + R"(")");
  return body;
}

bool sent_reset(PrinterSim& printer) {
  for (const auto& command : printer.render().control)
    if (command.find("~JR") != std::string::npos) return true;
  return false;
}

TEST(StationTemplates, NamesThatAreNotPlainNamesAreRejected) {
  StationEnv env;
  write_file(env.dir().file("evil.zpl"), kEvilZpl);  // <config dir>/evil.zpl, beside templates/
  int n = 0;
  for (const std::string name : {"../evil", "/etc/passwd", "a/b", "..", ".hidden", ""}) {
    const std::string order_id = "O-T" + std::to_string(++n);
    auto out = env.apply(command(CommandType::pick_list, order_id, with_template(name)));
    EXPECT_FALSE(out.accepted) << name;
    EXPECT_EQ(out.code, "invalid_pick_list") << name;
    EXPECT_NE(out.reason.find("data.label_template"), std::string::npos) << out.reason;
    ASSERT_TRUE(env.wait_event(order_id, "order.rejected")) << name;
    const auto issues = env.events_of(order_id, "order.rejected")[0].data["issues"].as_array();
    ASSERT_EQ(issues.size(), 1u) << name;
    EXPECT_EQ(issues[0].as_object().at("path").as_string(), "data.label_template") << name;
    EXPECT_EQ(issues[0].as_object().at("code").as_string(), name.empty() ? "empty_value" : "bad_charset") << name;
  }
  EXPECT_FALSE(sent_reset(env.printer()));
}

// A template that is a symbolic link to a file outside the folder fails the label with the reason
// (label.failed, phase label_failed) and sends nothing (links inside the folder: template_path_test).
TEST(StationTemplates, ASymbolicLinkOutOfTheFolderFailsTheLabel) {
  StationEnv env;
  write_file(env.dir().file("evil.zpl"), kEvilZpl);
  std::filesystem::create_symlink("../evil.zpl", env.dir().file("templates/escape.zpl"));
  env.pick_list("O-ESC", with_template("escape"));
  env.pick_all();
  env.set_weight(725);
  EXPECT_EQ(env.scan("O-ESC").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-ESC", "label.failed"));
  const auto failed = env.events_of("O-ESC", "label.failed")[0];
  const std::string reason(failed.data.at("reason").as_string());
  EXPECT_NE(reason.find("outside printing.template_dir"), std::string::npos) << reason;
  EXPECT_TRUE(env.run_until([&] { return env.snap().phase == "label_failed"; })) << env.snap().phase;
  EXPECT_TRUE(env.events_of("O-ESC", "label.printed").empty());
  EXPECT_EQ(env.printer().count(), 0);
  EXPECT_FALSE(sent_reset(env.printer()));
}

}  // namespace
}  // namespace wedge::test
