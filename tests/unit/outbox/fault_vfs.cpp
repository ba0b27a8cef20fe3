#include "tests/unit/outbox/fault_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace wedge::outbox::test {

namespace {

std::atomic<std::int64_t> g_writes{0};
std::atomic<std::int64_t> g_syncs{0};
std::atomic<std::int64_t> g_failures{0};
std::atomic<std::int64_t> g_fail_write_at{0};  // 0: disarmed
std::atomic<int> g_fail_write_code{SQLITE_IOERR_WRITE};
std::atomic<std::int64_t> g_fail_sync_at{0};

std::atomic<bool> g_track_unsynced{false};
std::atomic<bool> g_power_cut{false};

sqlite3_vfs g_vfs;
sqlite3_vfs* g_real = nullptr;

// What a power cut takes back from one file: the old bytes under every write since its last
// xSync (applied in reverse order), and the size it had at that sync.
struct Unsynced {
  struct Undo {
    sqlite3_int64 offset = 0;
    std::string old_bytes;
  };
  std::vector<Undo> undo;
  sqlite3_int64 synced_size = 0;
};

// Our file object: SQLite allocates szOsFile bytes; the real VFS's file lives right after ours.
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
  Unsynced* unsynced;  // the file's entry in g_unsynced; null when not tracking
};

// Serialises I/O against a power cut, and guards the set of open files and g_unsynced.
std::mutex g_io_mutex;
std::set<FaultFile*> g_open_files;
// Per file name, not per handle: an fsync makes the file durable whichever descriptor wrote it
// (the outbox has two connections, each with its own descriptors on the same files).
std::map<std::string, std::unique_ptr<Unsynced>> g_unsynced;

sqlite3_file* real_of(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file)->real; }

sqlite3_int64 real_size(sqlite3_file* real) {
  sqlite3_int64 size = 0;
  if (real->pMethods->xFileSize(real, &size) != SQLITE_OK) return 0;
  return size;
}

int x_close(sqlite3_file* f) {
  auto* ours = reinterpret_cast<FaultFile*>(f);
  {
    std::lock_guard lock(g_io_mutex);
    g_open_files.erase(ours);
    ours->unsynced = nullptr;
  }
  sqlite3_file* real = real_of(f);
  return real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
}
int x_read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  return real_of(f)->pMethods->xRead(real_of(f), buffer, amount, offset);
}
int x_write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
  std::lock_guard lock(g_io_mutex);
  if (g_power_cut) return SQLITE_IOERR_WRITE;
  const auto n = ++g_writes;
  if (g_fail_write_at.load() == n) {
    ++g_failures;
    return g_fail_write_code.load();
  }
  auto* ours = reinterpret_cast<FaultFile*>(f);
  sqlite3_file* real = ours->real;
  if (ours->unsynced != nullptr) {
    // Remember what this write covers, so that a power cut can put it back.
    const sqlite3_int64 size = real_size(real);
    const sqlite3_int64 end = std::min<sqlite3_int64>(offset + amount, size);
    Unsynced::Undo undo;
    undo.offset = offset;
    if (end > offset) {
      undo.old_bytes.resize(static_cast<std::size_t>(end - offset));
      real->pMethods->xRead(real, undo.old_bytes.data(), static_cast<int>(end - offset), offset);
    }
    ours->unsynced->undo.push_back(std::move(undo));
  }
  return real->pMethods->xWrite(real, buffer, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  std::lock_guard lock(g_io_mutex);
  if (g_power_cut) return SQLITE_IOERR_TRUNCATE;
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  std::lock_guard lock(g_io_mutex);
  if (g_power_cut) return SQLITE_IOERR_FSYNC;
  const auto n = ++g_syncs;
  if (g_fail_sync_at.load() == n) {
    ++g_failures;
    return SQLITE_IOERR_FSYNC;
  }
  auto* ours = reinterpret_cast<FaultFile*>(f);
  const int rc = ours->real->pMethods->xSync(ours->real, flags);
  if (rc == SQLITE_OK && ours->unsynced != nullptr) {
    ours->unsynced->undo.clear();
    ours->unsynced->synced_size = real_size(ours->real);
  }
  return rc;
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real_of(f)->pMethods->xFileSize(real_of(f), size);
}
int x_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int x_unlock(sqlite3_file* f, int level) {
  return real_of(f)->pMethods->xUnlock(real_of(f), level);
}
int x_check_reserved(sqlite3_file* f, int* out) {
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device_characteristics(sqlite3_file* f) {
  return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int x_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), page, page_size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
  return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag);
}

// Version 2 methods only: no memory-mapped I/O (xFetch), so every page write goes through xWrite.
const sqlite3_io_methods kMethods = {2,
                                     x_close,
                                     x_read,
                                     x_write,
                                     x_truncate,
                                     x_sync,
                                     x_file_size,
                                     x_lock,
                                     x_unlock,
                                     x_check_reserved,
                                     x_file_control,
                                     x_sector_size,
                                     x_device_characteristics,
                                     x_shm_map,
                                     x_shm_lock,
                                     x_shm_barrier,
                                     x_shm_unmap,
                                     nullptr,
                                     nullptr};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* ours = reinterpret_cast<FaultFile*>(file);
  ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
  std::memset(ours->real, 0, static_cast<std::size_t>(g_real->szOsFile));
  ours->unsynced = nullptr;
  const int rc = g_real->xOpen(g_real, name, ours->real, flags, out_flags);
  ours->base.pMethods = ours->real->pMethods != nullptr ? &kMethods : nullptr;
  if (ours->base.pMethods != nullptr) {
    std::lock_guard lock(g_io_mutex);
    if (g_track_unsynced && name != nullptr) {
      auto& entry = g_unsynced[name];
      if (!entry) {
        entry = std::make_unique<Unsynced>();
        entry->synced_size = real_size(ours->real);
      }
      ours->unsynced = entry.get();
    }
    g_open_files.insert(ours);
  }
  return rc;
}

int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (g_power_cut) return SQLITE_OK;  // the machine is off: nothing changes on disk any more
  return g_real->xDelete(g_real, name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return g_real->xFullPathname(g_real, name, size, out);
}

}  // namespace

bool register_fault_vfs() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    if (g_real == nullptr) return;
    // Start from a copy so that the time, randomness and dlopen methods are the real ones.
    g_vfs = *g_real;
    g_vfs.iVersion = g_real->iVersion;
    g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
    g_vfs.zName = kFaultVfsName;
    g_vfs.pNext = nullptr;
    g_vfs.xOpen = x_open;
    g_vfs.xDelete = x_delete;
    g_vfs.xAccess = x_access;
    g_vfs.xFullPathname = x_full_pathname;
    ok = sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK;
  });
  return ok;
}

void fault_reset() {
  {
    std::lock_guard lock(g_io_mutex);
    for (FaultFile* file : g_open_files) file->unsynced = nullptr;
    g_unsynced.clear();
  }
  g_power_cut = false;
  g_track_unsynced = false;
  g_fail_write_at = 0;
  g_fail_sync_at = 0;
  g_writes = 0;
  g_syncs = 0;
  g_failures = 0;
}

void fault_fail_write(std::int64_t n, int code) {
  g_fail_write_code = code;
  g_fail_write_at = g_writes.load() + n;
}

void fault_fail_sync(std::int64_t n) { g_fail_sync_at = g_syncs.load() + n; }

FaultCounters fault_counters() { return {g_writes.load(), g_syncs.load(), g_failures.load()}; }

void fault_track_unsynced() { g_track_unsynced = true; }

void fault_power_cut() {
  std::lock_guard lock(g_io_mutex);
  std::set<Unsynced*> done;
  for (FaultFile* file : g_open_files) {
    if (file->unsynced == nullptr || !done.insert(file->unsynced).second) continue;
    sqlite3_file* real = file->real;
    auto& undo = file->unsynced->undo;
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
      if (it->old_bytes.empty()) continue;
      real->pMethods->xWrite(real, it->old_bytes.data(), static_cast<int>(it->old_bytes.size()),
                             it->offset);
    }
    if (real_size(real) > file->unsynced->synced_size) {
      real->pMethods->xTruncate(real, file->unsynced->synced_size);
    }
    undo.clear();
  }
  g_power_cut = true;
}

}  // namespace wedge::outbox::test
