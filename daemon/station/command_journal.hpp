// Reads the OMS command journal (<state_dir>/commands.db, written only on the thread of
// commands::CommandJournal) back at start-up, so that a command stored just before a
// crash — acknowledged to the broker but never applied to the stations — is applied now rather
// than lost.
//
// Entries come in arrival order (the journal's rowid), each re-parsed from the stored message with
// the same parser the link used. A missing file is an empty journal; an unreadable one an error.
// Call before the link starts; reads only. Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/commands/command.hpp"

namespace wedge::station {

struct JournalEntry {
  std::int64_t rowid = 0;
  commands::Command command;
};

struct JournalRead {
  std::vector<JournalEntry> entries;  // rowid > after_rowid, ascending
  std::int64_t max_rowid = 0;         // the largest rowid in the journal (0 when empty)
  std::string error;                  // set when the journal could not be read
};

[[nodiscard]] JournalRead read_command_journal(const std::string& db_path, std::int64_t after_rowid);

// What purge_command_journal() removed.
struct JournalPurge {
  std::int64_t orders = 0;    // rows of the journal's order table
  std::int64_t commands = 0;  // stored commands
  // Ids in stations.db's handled_commands whose command is no longer in the journal (at most
  // `limit`): the stations' replay can never meet them again, so the stations may drop them
  // (OrderStore::forget_handled, on the loop, which owns stations.db's writes).
  std::vector<std::string> handled_to_forget;
  std::string error;          // set when SQLite failed (nothing was removed)
};

// Bounds commands.db: forgets, in one transaction, at most `limit` orders of the journal's order
// table that were last updated before `cutoff_unix_ms` and that stations.db (`stations_db_path`,
// attached, only read) no longer holds, i.e. ended and forgotten by the stations, or never taken up
// by them; then at most `limit` commands received before the cutoff whose order is gone from that
// table (rebirth included). Open orders and orders that ended after the cutoff are held by
// stations.db and stay. Afterwards a command for a forgotten order is rejected unknown_order, and
// a reused command id counts as new (docs/mqtt-api.md). Rows past `limit` go on the next call, so
// the lock is never held for long. Both selections go through indexes on the times (command_store).
// Opens its own connection (busy_timeout 2 s). Writes commands.db: run it on the CommandJournal's
// thread only (CommandJournal::post; the stations do so hourly). A missing journal is nothing to do.
[[nodiscard]] JournalPurge purge_command_journal(const std::string& db_path, const std::string& stations_db_path,
                                                 std::int64_t cutoff_unix_ms, std::int64_t limit);

}  // namespace wedge::station
