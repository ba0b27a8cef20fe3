// The returns step (docs/workflows.md, "Returns"): a station with `returns` in its steps takes
// customer returns. A parcel is identified by the RMA, the order id or the SSCC of the shipping
// label; an announced return (return.expected) brings its expected items, an unannounced one needs
// the order shipped from this gateway (its record in stations.db). Each unit is scanned and
// checked against what left in the order (return_check.hpp), then graded by a condition barcode
// or a screen button (the grades of the station's `returns` config); a resellable unit gets a
// restock label with its putaway location, the others a quarantine label. The return completes
// when every announced unit is graded, or when the operator scans the return's barcode again.
// Events: return.received, return.item_graded, return.discrepancy, return.completed, and for the
// OMS commands return.rejected, return.held, return.released, return.cancelled.
//
// The returns live in stations.db (return_store.hpp) and in memory (a few per station and day);
// a restart resumes each one at its station, the unit waiting for its grade included.
//
// Loop thread only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/commands/command.hpp"
#include "daemon/station/return_check.hpp"
#include "daemon/station/return_record.hpp"
#include "daemon/station/return_store.hpp"
#include "daemon/station/station_context.hpp"

namespace wedge::station {

class ReturnStep {
 public:
  using Json = StationContext::Json;

  // Opens the returns table in stations.db, on the OrderStore's connection (throws
  // std::runtime_error at start-up).
  explicit ReturnStep(StationContext& ctx);

  // Loads the stored returns, forgets those that ended before the retention period, and gives
  // every station the return it was working on.
  void start();

  // Whether the station has a return in hand; its id ("" when none).
  [[nodiscard]] bool holds(const StationRt& st) const;
  [[nodiscard]] std::string return_at(const StationRt& st) const;
  // A scan at a station that holds a return: an item, a grade, or the return's barcode. True when
  // it waits for a commit (StationContext::finish_scan ends it).
  bool scan(StationRt& st, const PendingScan& scan);
  // A scan at a free returns station: the return it identifies starts (or resumes). Empty when
  // the scan names no return and the station has other steps that may take it.
  std::optional<bool> identify(StationRt& st, const PendingScan& scan);

  // --- OMS commands (return_commands.cpp) ---
  // The journal's check before it stores a return.* command (command_checks.hpp's contract).
  [[nodiscard]] core::Status check_command(const commands::Command& command) const;
  void handle_command(const commands::Command& command, Stations::CommandDone done);

  // --- the screen (return_view.cpp) ---
  // Fills the return part of the snapshot and its prompt; false when the station holds none.
  bool view(const StationRt& st, StationSnapshot& snapshot) const;

  // The return with this id, or nullptr.
  [[nodiscard]] const ReturnRecord* find(const std::string& return_id) const;

 private:
  struct Grades {
    std::vector<std::string> all;
    std::vector<std::string> restock;
    std::string prefix;
  };
  [[nodiscard]] Grades grades_of(const StationRt& st) const;
  ReturnRecord* held_by(const StationRt& st);
  ReturnRecord* find_mut(const std::string& return_id);
  // What left in the return's order: the shipped record when this gateway has it, else what the
  // OMS announced.
  std::vector<ShippedLine> lines_of(const ReturnRecord& ret);
  // Every unit of the order already returned (this return's pending unit included).
  std::vector<ReturnedItem> returned_from(const std::string& order_id) const;
  void save(const ReturnRecord& ret);

  bool start_return(StationRt& st, ReturnRecord ret, const PendingScan& scan);
  bool on_item(StationRt& st, ReturnRecord& ret, const PendingScan& scan);
  bool on_grade(StationRt& st, ReturnRecord& ret, const PendingScan& scan, const std::string& grade);
  bool complete(StationRt& st, ReturnRecord& ret, const PendingScan& scan);
  bool set_aside(StationRt& st, ReturnRecord& ret, const PendingScan& scan);
  // Prints the unit's restock or quarantine label; "" or why it could not be queued.
  std::string print_label(StationRt& st, const ReturnRecord& ret, ReturnedItem& item);
  // A scan's event the outbox refused: the scan is refused ("buffer full") and the next one runs.
  StationContext::Refused outbox_refused(const std::string& station, const PendingScan& scan);
  // Shows the refusal and sends its scan.refused (step returns, the return's order and id).
  void refuse(StationRt& st, const ReturnRecord& ret, const PendingScan& scan, const std::string& code,
              const std::string& message, const std::string& detail = {});
  void discrepancy(const StationRt& st, const ReturnRecord& ret, std::string kind, Json detail);
  [[nodiscard]] bool is_own_barcode(const ReturnRecord& ret, const PendingScan& scan) const;
  // The event data every return event starts with.
  [[nodiscard]] Json base(const ReturnRecord& ret) const;
  // Stores `next` (the return as the command leaves it) and emits the command's event.
  void emit_command_event(const ReturnRecord& next, std::string_view type, Json data,
                          Stations::CommandDone done, const commands::Command& command);

  StationContext& ctx_;
  ReturnStore store_;
  std::map<std::string, ReturnRecord> returns_;  // by return id
  std::map<std::string, std::string> at_station_;  // station → return id in hand
};

// One return event's totals and items, as return.completed carries them.
[[nodiscard]] boost::json::object return_summary(const ReturnRecord& ret);

}  // namespace wedge::station
