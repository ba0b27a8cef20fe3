// The order checks the stations answer for the command journal: every command type against no
// order and against an order in each status, with the code the journal turns into the reply's
// unknown_order, order_exists or invalid_state (docs/mqtt-api.md, "Command reply").
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "daemon/station/command_checks.hpp"

namespace wedge::station {
namespace {

using commands::CommandType;
using core::Errc;

commands::Command command(CommandType type) {
  commands::Command c;
  c.id = "c-1";
  c.type = type;
  c.order_id = "O-1";
  return c;
}

TEST(CommandChecks, EveryCommandAgainstEveryOrderState) {
  struct Case {
    CommandType type;
    std::optional<OrderStatus> status;  // empty: no such order
    std::optional<Errc> refused;        // empty: allowed
  };
  const std::vector<Case> cases = {
      {CommandType::pick_list, std::nullopt, std::nullopt},
      {CommandType::pick_list, OrderStatus::active, Errc::already_exists},
      {CommandType::pick_list, OrderStatus::cancelled, Errc::already_exists},
      {CommandType::order_hold, std::nullopt, Errc::not_found},
      {CommandType::order_cancel, std::nullopt, Errc::not_found},
      {CommandType::order_release, std::nullopt, Errc::not_found},
      {CommandType::order_update, std::nullopt, Errc::not_found},
      {CommandType::order_hold, OrderStatus::active, std::nullopt},
      {CommandType::order_hold, OrderStatus::held, Errc::failed_precondition},
      {CommandType::order_release, OrderStatus::held, std::nullopt},
      {CommandType::order_release, OrderStatus::active, Errc::failed_precondition},
      {CommandType::order_release, OrderStatus::shipped, Errc::failed_precondition},
      {CommandType::order_update, OrderStatus::held, std::nullopt},
      {CommandType::order_cancel, OrderStatus::held, std::nullopt},
      // A shipped order takes them; the stations refuse them then, with order.command_refused.
      {CommandType::order_cancel, OrderStatus::shipped, std::nullopt},
      {CommandType::order_hold, OrderStatus::shipped, std::nullopt},
      {CommandType::order_update, OrderStatus::shipped, std::nullopt},
      {CommandType::order_cancel, OrderStatus::cancelled, Errc::failed_precondition},
      {CommandType::order_update, OrderStatus::cancelled, Errc::failed_precondition},
      {CommandType::order_release, OrderStatus::cancelled, Errc::failed_precondition},
      {CommandType::rebirth, std::nullopt, std::nullopt},
  };
  for (const auto& c : cases) {
    OrderRecord order;
    order.order_id = "O-1";
    if (c.status) order.status = *c.status;
    const auto checked = check_order_command(command(c.type), c.status ? &order : nullptr);
    const std::string name = std::string(commands::to_string(c.type)) + " on " +
                             (c.status ? std::string(to_string(*c.status)) : std::string("no order"));
    if (!c.refused) {
      EXPECT_TRUE(checked) << name << ": " << checked.reason();
      continue;
    }
    ASSERT_FALSE(checked) << name;
    EXPECT_EQ(checked.error().code, *c.refused) << name;
    EXPECT_NE(checked.reason().find("O-1"), std::string::npos) << name << ": " << checked.reason();
  }
}

}  // namespace
}  // namespace wedge::station
