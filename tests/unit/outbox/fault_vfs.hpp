// A SQLite VFS for fault injection in the outbox tests, in the spirit of Beast's failMatrix and
// LevelDB's fault-injection Env: it forwards everything to the default VFS and counts every xWrite
// and xSync; when armed, the n-th write (or sync) fails once with the chosen error code and does
// nothing (a write that fails writes no byte). Register once, then pass kFaultVfsName as
// Options::sqlite_vfs.
//
// The counters are process-wide atomics; tests arm and read them from the test thread while the
// outbox writer thread does the I/O.
#pragma once

#include <cstdint>

namespace wedge::outbox::test {

inline constexpr const char* kFaultVfsName = "wedge-fault";

// Registers the VFS (idempotent). Returns false if SQLite refused.
bool register_fault_vfs();

struct FaultCounters {
  std::int64_t writes = 0;
  std::int64_t syncs = 0;
  std::int64_t failures = 0;  // faults injected since the last reset
};

// Resets the counters and disarms.
void fault_reset();
// The n-th xWrite from now (1-based) fails with `code` (e.g. SQLITE_IOERR_WRITE, SQLITE_FULL).
void fault_fail_write(std::int64_t n, int code);
// The n-th xSync from now (1-based) fails with SQLITE_IOERR_FSYNC.
void fault_fail_sync(std::int64_t n);
FaultCounters fault_counters();

// Power-loss simulation (LevelDB's "drop unsynced data"). After fault_track_unsynced(), files
// opened from then on remember what each write replaced until their next xSync. fault_power_cut()
// puts back every unsynced write (and cuts files to their synced size) in every open file, then
// makes all further writes, syncs, truncates and deletes fail or do nothing, as if the machine was
// off; reopen after fault_reset() to see what a reboot would find.
void fault_track_unsynced();
void fault_power_cut();

}  // namespace wedge::outbox::test
