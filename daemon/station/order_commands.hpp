// The command application path: OMS commands (pick_list, order.cancel, order.hold,
// order.release, order.update) applied to the orders in stations.db, each answered with a
// CommandOutcome (docs/mqtt-api.md). The command journal hands them over; Stations marks each
// applied command so the replay at the next start skips it. Loop thread only.
#pragma once

#include "daemon/station/label_step.hpp"
#include "daemon/station/pack_step.hpp"
#include "daemon/station/pick_step.hpp"
#include "daemon/station/station_context.hpp"

namespace wedge::station {

class OrderCommands {
 public:
  using Json = StationContext::Json;

  OrderCommands(StationContext& ctx, PickStep& pick, PackStep& pack, LabelStep& label);

  // Applies one command; `done` gets its outcome (at once or after the order's event commits).
  // Nothing escapes: a failing command answers internal_error.
  void handle_command(const commands::Command& command, Stations::CommandDone done);
  // Applies the return.* commands (ReturnStep, set by Stations::Impl), here so that the replay at
  // start (housekeeping.hpp) takes the same path.
  std::function<void(const commands::Command&, Stations::CommandDone)> return_commands;

 private:
  void on_pick_list(const commands::Command& command, Stations::CommandDone done);
  void on_cancel_or_hold(const commands::Command& command, bool cancel, Stations::CommandDone done);
  void on_release(const commands::Command& command, Stations::CommandDone done);
  void on_update(const commands::Command& command, Stations::CommandDone done);

  StationContext& ctx_;
  PickStep& pick_;
  PackStep& pack_;
  LabelStep& label_;
};

// Reason text of an optional {"reason": "..."} command body.
std::string command_reason(const std::string& data_json);

}  // namespace wedge::station
