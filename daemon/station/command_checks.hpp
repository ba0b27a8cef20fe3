// The order checks of an OMS command before the command journal stores it: the stations own the
// orders (stations.db), so they alone can say whether an order.* names a known order in a state
// that allows it, or whether a pick_list names an order that exists. The journal asks through
// CommandJournal::OrderChecks (commands/command_journal.hpp), which maps the codes below to the
// reply's unknown_order, order_exists and invalid_state (docs/mqtt-api.md, "Command reply").
//
// The states are the order's status (workflow_order.hpp): active, shipped and handed-over orders
// take hold, cancel and update (a shipped or handed-over one then refuses them itself, with
// order.command_refused already_shipped or already_handed_over), only a
// held order — held by the OMS or by the station after a weight mismatch — takes release, and a
// cancelled order takes nothing. A pure function: any thread.
#pragma once

#include "daemon/commands/command.hpp"
#include "daemon/core/result.hpp"
#include "daemon/station/workflow_order.hpp"

namespace wedge::station {

// `order` is the order `command` names as the stations hold it (memory or stations.db), nullptr
// when there is none. Success, or not_found (no such order), already_exists (a pick_list for an
// existing order) or failed_precondition (the order's state does not allow the command).
[[nodiscard]] core::Status check_order_command(const commands::Command& command, const OrderRecord* order);

}  // namespace wedge::station
