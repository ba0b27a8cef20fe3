#include "daemon/station/command_checks.hpp"

#include <fmt/format.h>

namespace wedge::station {

core::Status check_order_command(const commands::Command& command, const OrderRecord* order) {
  using commands::CommandType;
  if (command.type == CommandType::rebirth) return {};
  if (command.type == CommandType::pick_list) {
    if (order == nullptr) return {};
    return core::fail(core::Errc::already_exists,
                      fmt::format("order {} already exists; use order.update to change it", command.order_id));
  }
  if (order == nullptr)
    return core::fail(core::Errc::not_found, fmt::format("order {} was never received in a pick_list", command.order_id));
  if (order->status == OrderStatus::cancelled)
    return core::fail(core::Errc::failed_precondition, fmt::format("order {} is cancelled; {} is not allowed",
                                                                   command.order_id, commands::to_string(command.type)));
  if (command.type == CommandType::order_hold && order->status == OrderStatus::held)
    return core::fail(core::Errc::failed_precondition, fmt::format("order {} is already on hold", command.order_id));
  if (command.type == CommandType::order_release && order->status != OrderStatus::held)
    return core::fail(core::Errc::failed_precondition, fmt::format("order {} is not on hold", command.order_id));
  return {};
}

}  // namespace wedge::station
