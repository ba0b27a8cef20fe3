// WalCheckpointer: runs the WAL checkpoints of one SQLite file on a thread of its own, so that no
// commit waits for one.
//
// Why: SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past 1000 pages —
// it copies those pages into the database file and fsyncs it, on the committing thread. For the
// outbox writer that put 15–25 ms stalls into the scan → "accepted" path every few seconds (a
// picker's feedback waits for that commit); for stations.db it blocked the event loop itself.
//
// Contract
// - attach(writer): turns off automatic checkpoints on `writer` (the one connection that writes
//   the file) and installs a WAL hook on it. The hook runs on the committing thread after each
//   commit and only signals: once the WAL holds `threshold_frames` frames, this thread wakes and
//   runs a PASSIVE checkpoint through its own connection. PASSIVE never blocks a writer or a
//   reader; frames that a reader still needs stay in the WAL for the next round.
// - Backstop: should the WAL reach `inline_frames` (the thread cannot keep up, or a checkpoint keeps
//   failing), the hook checkpoints inline on the committing thread, as SQLite would have, so the
//   WAL cannot grow without bound.
// - A checkpoint that fails (I/O error, full disk) is logged once per failure streak and tried
//   again at the next signal; nothing committed depends on it (the frames stay in the WAL).
// - stop() (also the destructor) joins the thread; call it before closing the writer connection.
//   The writer's hook must not outlive this object: detach() or close the writer first.
//
// Threading: construct, attach, detach and stop from the writer's thread; the hook may signal from
// that thread at any time in between.
#pragma once

#include "daemon/storage/sqlite.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace wedge::storage {

class WalCheckpointer {
 public:
  struct Options {
    std::string path;  // the database file
    std::string vfs;   // empty: SQLite's default VFS
    std::string name;  // for logs ("outbox", "stations")
    int threshold_frames = 1000;  // SQLite's own automatic-checkpoint size
    int inline_frames = 4000;     // 16 MiB of 4 KiB pages
  };

  explicit WalCheckpointer(Options options);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Opens the checkpointer's own connection and hooks `writer`; an error leaves SQLite's automatic
  // checkpoints in place (the caller logs it and carries on: slower, not wrong).
  Status attach(Connection& writer);
  // Restores SQLite's automatic checkpoints on the writer connection.
  void detach();
  void stop();

  // Checkpoints that copied frames since attach: all of them, and those the backstop ran inline.
  std::int64_t checkpoints() const;
  std::int64_t inline_checkpoints() const;
  // The last checkpoint copied every frame in the WAL, no new one is wanted and none is running:
  // the next commit restarts the WAL from its beginning.
  bool caught_up() const;

 private:
  static int on_wal_commit(void* self, sqlite3* db, const char* schema, int frames);
  void run();
  void checkpoint(sqlite3* db, const char* schema, bool is_inline);

  const Options options_;
  Connection own_;
  sqlite3* writer_ = nullptr;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;    // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  bool running_ = false;   // guarded by mutex_: the thread is in a checkpoint
  std::int64_t checkpoints_ = 0;         // guarded by mutex_
  std::int64_t inline_checkpoints_ = 0;  // guarded by mutex_
  bool failing_ = false;          // guarded by mutex_: the last checkpoint failed (logged once)
  bool complete_ = false;         // guarded by mutex_: the last checkpoint copied every frame
  std::thread thread_;
};

}  // namespace wedge::storage
