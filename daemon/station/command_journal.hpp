// Reads the OMS command journal (<state_dir>/commands.db, written by commands::CommandStore on
// Paho's thread) back at start-up, so that a command stored just before a crash — acknowledged to
// the OMS but never applied to the stations — is applied now rather than lost.
//
// Entries come in arrival order (the journal's rowid), each re-parsed from the stored message with
// the same parser the link used. A missing file is an empty journal; an unreadable one an error.
// Call before the link starts (the link's own connection is the only writer). Any thread.
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

// Records in the journal's order table that the stations put `order_id` on hold themselves (a
// weight mismatch), so that the OMS's order.release passes the command store's state check
// (release is accepted only for held orders). Only a "received" order changes. Opens its own
// connection (the link's writes are serialised by SQLite's lock; busy_timeout 2 s); rare, so the
// loop may call it. False with `error` set when SQLite fails.
[[nodiscard]] bool mark_order_held_by_station(const std::string& db_path, const std::string& order_id,
                                              std::string& error);

}  // namespace wedge::station
