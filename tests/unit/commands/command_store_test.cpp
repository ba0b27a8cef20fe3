// The command journal and order table: stored state decides unknown orders, order states and
// duplicate command ids; everything survives reopening the database.
#include "daemon/commands/command_store.hpp"

#include "tests/support/process.hpp"

#include <gtest/gtest.h>

namespace wedge::commands {
namespace {

Command make(const std::string& type, const std::string& id, const std::string& order, std::string extra = "") {
  std::string payload = R"({"schema":1,"id":")" + id + R"(","type":")" + type + R"(","order_id":")" + order + "\"" +
                        extra + "}";
  auto parsed = parse_command(type, payload, 65536);
  EXPECT_TRUE(parsed) << parsed.rejection.reason;
  return *parsed.command;
}

Command pick_list(const std::string& id, const std::string& order) {
  return make("pick_list", id, order, R"(,"station":"st1","data":{"lines":[{"sku":"A","qty":1}]})");
}

TEST(CommandStore, OrderLifecycleAndRejections) {
  test::TempDir dir;
  CommandStore store(dir.file("commands.db"));
  struct Step {
    Command command;
    bool accepted;
    std::optional<RejectCode> code;
    const char* state_after;
  };
  const std::vector<Step> steps = {
      {make("order.cancel", "c1", "O-1"), false, RejectCode::unknown_order, nullptr},
      {make("order.update", "c2", "O-1", R"(,"data":{"lines":[{"sku":"B","qty":2}]})"), false,
       RejectCode::unknown_order, nullptr},
      {pick_list("c3", "O-1"), true, std::nullopt, "received"},
      {pick_list("c4", "O-1"), false, RejectCode::order_exists, "received"},
      {make("order.release", "c5", "O-1"), false, RejectCode::invalid_state, "received"},
      {make("order.hold", "c6", "O-1"), true, std::nullopt, "held"},
      {make("order.hold", "c7", "O-1"), false, RejectCode::invalid_state, "held"},
      {make("order.release", "c8", "O-1"), true, std::nullopt, "received"},
      {make("order.update", "c9", "O-1", R"(,"data":{"lines":[{"sku":"B","qty":2}]})"), true, std::nullopt,
       "received"},
      {make("order.cancel", "c10", "O-1"), true, std::nullopt, "cancelled"},
      {make("order.hold", "c11", "O-1"), false, RejectCode::invalid_state, "cancelled"},
  };
  for (const auto& step : steps) {
    const auto reply = store.submit(step.command, 1000);
    EXPECT_EQ(reply.accepted, step.accepted) << step.command.id << ": " << reply.reason;
    if (step.code) {
      ASSERT_TRUE(reply.code.has_value()) << step.command.id;
      EXPECT_EQ(*reply.code, *step.code) << step.command.id;
    }
    if (step.state_after != nullptr) {
      const auto row = store.order("O-1");
      ASSERT_TRUE(row.has_value());
      EXPECT_EQ(row->state, step.state_after) << step.command.id;
    }
  }
  EXPECT_EQ(store.order("O-1")->pick_list_json, R"({"lines":[{"sku":"B","qty":2}]})");
  EXPECT_EQ(store.command_count(), 5);
}

TEST(CommandStore, DuplicateIdIsAcceptedOnceAndSurvivesReopen) {
  test::TempDir dir;
  {
    CommandStore store(dir.file("commands.db"));
    const auto first = store.submit(pick_list("c1", "O-7"), 1);
    EXPECT_TRUE(first.accepted);
    EXPECT_FALSE(first.duplicate);
  }
  CommandStore reopened(dir.file("commands.db"));
  const auto again = reopened.submit(pick_list("c1", "O-7"), 2);
  EXPECT_TRUE(again.accepted);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(reopened.command_count(), 1);
  EXPECT_EQ(reopened.order("O-7")->station, "st1");
}

TEST(CommandStore, OpenFailureThrows) {
  EXPECT_THROW(CommandStore("/nonexistent-dir/x/commands.db"), std::runtime_error);
}

}  // namespace
}  // namespace wedge::commands
