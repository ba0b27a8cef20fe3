#include "daemon/storage/wal_checkpointer.hpp"

#include <pthread.h>

#include <spdlog/spdlog.h>

#include <utility>

namespace wedge::storage {

namespace {

// SQLite's own default, restored by detach().
constexpr int kSqliteAutoCheckpointPages = 1000;

}  // namespace

WalCheckpointer::WalCheckpointer(Options options) : options_(std::move(options)) {}

WalCheckpointer::~WalCheckpointer() {
  detach();
  stop();
}

Status WalCheckpointer::attach(Connection& writer) {
  if (writer_ != nullptr) return {};
  if (auto status = own_.open(options_.path, false, options_.vfs); !status) return status;
  // A connection learns that the file is in WAL mode when it first reads it; until then a
  // checkpoint through it is a silent no-op (SQLite reports -1 frames).
  Statement mode;
  if (auto status = own_.prepare("PRAGMA journal_mode", mode); !status) {
    own_.close();
    return status;
  }
  auto status = mode.step();
  const std::string journal_mode = status.code == SQLITE_ROW ? mode.column_text(0) : "";
  mode = {};
  if (journal_mode != "wal") {
    own_.close();
    return Status{SQLITE_MISUSE, options_.path + " is not in WAL mode (" + journal_mode + ")"};
  }
  writer_ = writer.handle();
  // Replaces the automatic-checkpoint hook (the two are one slot in SQLite).
  sqlite3_wal_hook(writer_, &WalCheckpointer::on_wal_commit, this);
  thread_ = std::thread([this] { run(); });
  return {};
}

void WalCheckpointer::detach() {
  if (writer_ == nullptr) return;
  sqlite3_wal_autocheckpoint(writer_, kSqliteAutoCheckpointPages);
  writer_ = nullptr;
}

void WalCheckpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  own_.close();
}

std::int64_t WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

bool WalCheckpointer::caught_up() const {
  std::lock_guard lock(mutex_);
  // A checkpoint still running holds SQLite's checkpoint locks: a commit now could not restart the
  // WAL, whatever the previous checkpoint achieved.
  return complete_ && !wanted_ && !running_;
}

std::int64_t WalCheckpointer::inline_checkpoints() const {
  std::lock_guard lock(mutex_);
  return inline_checkpoints_;
}

int WalCheckpointer::on_wal_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  if (frames >= checkpointer->options_.inline_frames) {
    checkpointer->checkpoint(db, schema, true);
  } else if (frames >= checkpointer->options_.threshold_frames) {
    {
      std::lock_guard lock(checkpointer->mutex_);
      checkpointer->wanted_ = true;
    }
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  // Named, so that per-thread CPU (/proc/<pid>/task/*/comm, top -H, scripts/bench scan) tells it apart.
  ::pthread_setname_np(::pthread_self(), "wal-checkpoint");
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
      running_ = true;
    }
    checkpoint(own_.handle(), nullptr, false);
    std::lock_guard lock(mutex_);
    running_ = false;
  }
}

void WalCheckpointer::checkpoint(sqlite3* db, const char* schema, bool is_inline) {
  int wal_frames = 0;
  int copied = 0;
  const int rc =
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
  std::lock_guard lock(mutex_);
  complete_ = rc == SQLITE_OK && wal_frames >= 0 && copied == wal_frames;
  // BUSY: another checkpoint (the backstop, or a sqlite3 shell) is running; the next signal
  // comes soon enough.
  if (rc == SQLITE_OK || rc == SQLITE_BUSY) {
    if (rc == SQLITE_OK && wal_frames >= 0) {
      ++checkpoints_;
      if (is_inline) ++inline_checkpoints_;
    }
    if (failing_) spdlog::info("{}: WAL checkpoints work again", options_.name);
    failing_ = false;
    return;
  }
  if (!failing_) {
    spdlog::warn("{}: WAL checkpoint failed ({}: {}); the WAL keeps the data and grows until a "
                 "checkpoint succeeds",
                 options_.name, code_name(sqlite3_extended_errcode(db)), sqlite3_errmsg(db));
  }
  failing_ = true;
}

}  // namespace wedge::storage
