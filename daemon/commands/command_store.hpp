// The command journal and the minimal order table, in SQLite (WAL, synchronous=FULL) in state_dir.
//
// submit() runs the checks that need stored state (duplicate command id, unknown order, order state)
// and, when the command is accepted, commits it and its effect on the order table in one transaction
// before returning. A command id seen before is answered "accepted, duplicate" without a second
// effect, so an OMS that resends an unanswered command is safe.
//
// Order states: received → held ⇄ received, received|held → cancelled. pick_list creates an order;
// order.update replaces its pick list; cancelled orders take no further command. The station
// workflow extends this table.
//
// Threading: one CommandStore owns one SQLite connection; every call must come from one thread at a
// time: the CommandJournal's thread (command_journal.hpp), the only writer of commands.db.
#pragma once

#include "daemon/commands/command.hpp"

#include <optional>
#include <string>

#include "daemon/storage/sqlite.hpp"

namespace wedge::commands {

struct OrderRow {
  std::string order_id;
  std::string state;  // "received", "held", "cancelled"
  std::string station;
  std::string pick_list_json;  // the "data" object of the pick_list (or the latest order.update)
};

class CommandStore {
 public:
  // Opens or creates `db_path`; throws std::runtime_error with the SQLite message (start-up error).
  explicit CommandStore(const std::string& db_path);
  ~CommandStore();
  CommandStore(const CommandStore&) = delete;
  CommandStore& operator=(const CommandStore&) = delete;

  // Accept (store) or reject `command`. Never throws; a SQLite failure yields storage_error.
  Reply submit(const Command& command, std::int64_t now_unix_ms);

  // Records that the stations put `order_id` on hold themselves (a weight mismatch), so that the
  // OMS's order.release passes the state check (release is accepted only for held orders). Only a
  // "received" order changes. False with `error` set when SQLite fails.
  [[nodiscard]] bool hold_for_station(const std::string& order_id, std::string& error);

  std::optional<OrderRow> order(const std::string& order_id);
  std::int64_t command_count();

 private:
  storage::Connection db_;
};

}  // namespace wedge::commands
