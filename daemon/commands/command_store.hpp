// CommandStore: the SQL of <state_dir>/commands.db, the OMS command journal (WAL, synchronous=FULL).
//
// The file holds one table, `commands` (id, type, order_id, received time, the message as
// received): the commands the gateway accepted, kept so that a resent id is answered "duplicate"
// and applied no second time, and so that the stations can replay a command stored just before a
// crash. It holds no order state: which orders exist and in which state they are is the stations'
// alone (stations.db, station/order_store.hpp). A commands.db from before this split still has the
// `orders` table of the old acceptance checks: opening drops it.
//
// Threading: one CommandStore owns one SQLite connection; every call comes from the CommandJournal's
// thread (command_journal.hpp), the only writer of commands.db. read_stored_commands() opens a
// connection of its own and only reads: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/commands/command.hpp"
#include "daemon/core/result.hpp"
#include "daemon/storage/sqlite.hpp"

namespace wedge::commands {

// What CommandStore::purge() removed or found.
struct JournalPurge {
  std::int64_t commands = 0;  // stored commands removed
  // Ids in stations.db's handled_commands whose command is no longer in the journal (at most
  // `limit`): the stations' replay can never meet them again, so the stations may drop them
  // (OrderStore::forget_handled, on the loop, which owns stations.db's writes).
  std::vector<std::string> handled_to_forget;
};

class CommandStore {
 public:
  // Opens or creates `db_path`; throws std::runtime_error with the SQLite message (start-up error).
  explicit CommandStore(const std::string& db_path);
  ~CommandStore();
  CommandStore(const CommandStore&) = delete;
  CommandStore& operator=(const CommandStore&) = delete;

  // Whether a command with this id is stored. An error (not "no") when SQLite cannot answer.
  [[nodiscard]] core::Result<bool> known(const std::string& command_id);
  // Commits `command` (received at `now_unix_ms`) before returning; an error when SQLite fails
  // (disk full, I/O error, a lock held past the busy timeout): then nothing is stored.
  [[nodiscard]] core::Status store(const Command& command, std::int64_t now_unix_ms);

  // Bounds commands.db, in one transaction: removes at most `limit` commands received before
  // `cutoff_unix_ms` whose order stations.db (`stations_db_path`, attached read-only) no longer
  // holds — ended and forgotten by the stations, or never taken up by them (a refused pick list) —
  // and `rebirth`s, which name no order. Commands of orders the stations hold stay (the replay and
  // the duplicate check need them). Afterwards a reused command id counts as new
  // (docs/mqtt-api.md). Rows past `limit` go on the next call, so the lock is never held for long.
  // Then lists the stale applied-command marks (JournalPurge). A missing stations.db is nothing to
  // do. Reads stations.db's tables station_orders(order_id) and handled_commands(id).
  [[nodiscard]] core::Result<JournalPurge> purge(const std::string& stations_db_path, std::int64_t cutoff_unix_ms,
                                                 std::int64_t limit);

  // How many commands are stored (-1 when SQLite cannot tell); for tests and diagnostics.
  [[nodiscard]] std::int64_t command_count();

 private:
  storage::Connection db_;
};

// One stored command and its place in the journal.
struct StoredCommand {
  std::int64_t rowid = 0;
  Command command;
};

struct StoredCommands {
  std::vector<StoredCommand> entries;  // rowid > after_rowid, in arrival order
  std::int64_t max_rowid = 0;          // the largest rowid in the journal (0 when empty)
};

// The commands stored after `after_rowid`, each re-parsed from the stored message with the same
// parser the link used. A missing file is an empty journal; an unreadable one an error. Opens its
// own connection (busy_timeout 2 s) and only reads.
[[nodiscard]] core::Result<StoredCommands> read_stored_commands(const std::string& db_path, std::int64_t after_rowid);

}  // namespace wedge::commands
