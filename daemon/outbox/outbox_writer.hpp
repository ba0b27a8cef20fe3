// The outbox writer thread: the only thread that writes the SQLite file.
//
// Group commit: the thread sleeps until work arrives, then waits at most `group_commit_window`
// (counted from when the oldest queued append arrived) for more appends, or until
// `group_commit_max` are queued, and commits them all in one transaction with one WAL fsync.
// Appends that arrive while an fsync is running form the next group, so under load the batch size
// grows by itself. The window is only spent under sustained load — when the previous group held at
// least kBusyGroup appends: at station rates two or three scans meet in one group by chance, and
// making the next one wait would only add the window to a picker's feedback. Otherwise an append is
// committed at once (latency = one fsync). Acks (deletes) ride along in the same transaction;
// alone, they wait for company (the window; kQuietAckWindow when nothing is behind) and never cost
// one fsync each. Nor a wake-up each: after a quiet commit the writer waits kQuietAckWindow for the
// PUBACKs it knows are coming, so they need not wake it (at station rates that saves one thread
// switch per event). Acks travel as seq ranges (SeqRanges): one range delete per run of consecutive
// seqs.
//
// A report carries the events of a small group (kFreshGroupMax), so the MQTT link can publish them
// without reading them back from SQLite.
//
// Seq: assigned here, at commit time, contiguous from StoreState::next_seq. A failed transaction
// gives its seqs back (nothing of it is stored), so the committed seqs have no gaps.
//
// Thread-safety: enqueue*, stop() from any thread (the loop, in practice). Reports go to the sink
// on the writer thread, in commit order; the sink posts them to the loop.
#pragma once

#include "daemon/outbox/envelope.hpp"
#include "daemon/outbox/outbox.hpp"
#include "daemon/outbox/outbox_store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wedge::outbox {

// One writer cycle's outcome, handed to the loop.
struct CommitReport {
  std::vector<AppendResult> appends;  // one per append taken, in queue order
  std::vector<SeqRange> acks_done;    // acks whose delete is committed (or found nothing)
  std::vector<StoredEvent> committed;  // the events this cycle stored (small groups only), by seq
  StoreState state;                   // on disk after this cycle
  std::int64_t transactions = 0;      // committed transactions since open (running total)
  std::vector<double> commit_seconds;  // how long each transaction of this cycle took to commit (fsync included)
  std::int64_t storage_errors = 0;    // failed transactions since open (running total)
  bool storage_failed = false;        // this cycle's transaction failed
  std::string storage_reason;         // why, when storage_failed
};

// A group this large means producers are busy: the next group may wait the window for company.
inline constexpr std::size_t kBusyGroup = 8;
// Groups up to this size travel to the loop with their report (for next_batch to hand out from
// memory). Larger groups mean a saturated producer that the link cannot keep up with anyway: their
// events stay on the writer thread and are read back from SQLite when the link gets to them
// (carrying them cost a sixth of the saturated rate: copies and frees the link never used).
inline constexpr std::size_t kFreshGroupMax = 32;
// When the outbox holds at most kQuietDepth events (nothing is behind: the link publishes as fast
// as events come), acks alone wait up to kQuietAckWindow for the next append to ride along with,
// instead of a delete-only transaction each: at station rates a PUBACK comes ~1 ms after its
// commit and the next scan ~10 ms later. With a backlog (a drain) they keep the group-commit
// window: delaying deletes then cost a fifth of the saturated durable rate in the uplink bench.
inline constexpr std::int64_t kQuietDepth = 256;
inline constexpr std::chrono::milliseconds kQuietAckWindow{20};

class OutboxWriter {
 public:
  using ReportSink = std::function<void(CommitReport)>;

  OutboxWriter(OutboxStore store, StoreState state, std::chrono::microseconds window,
               std::size_t group_max, ReportSink sink);
  ~OutboxWriter();
  OutboxWriter(const OutboxWriter&) = delete;
  OutboxWriter& operator=(const OutboxWriter&) = delete;

  void enqueue(NewEvent event);
  void enqueue_ack(std::int64_t seq);
  // Commits everything queued, then joins the thread. Idempotent.
  void stop();

 private:
  struct Queued {
    NewEvent event;
    std::chrono::steady_clock::time_point enqueued;
  };

  void run();
  void wait_for_work(std::unique_lock<std::mutex>& lock);
  CommitReport commit_cycle(std::vector<Queued> appends, std::vector<SeqRange> acks);
  void retry_acks_alone(CommitReport& report, std::vector<SeqRange> acks);
  CommitReport failed_cycle(std::size_t appends, const std::vector<SeqRange>& acks,
                            const std::string& what);

  // Only the writer thread touches these.
  OutboxStore store_;
  StoreState state_;
  UuidGenerator uuids_;
  SeqRanges retry_acks_;  // deletes whose transaction failed; tried again
  std::int64_t transactions_ = 0;
  std::int64_t storage_errors_ = 0;
  bool busy_ = false;  // the last group had company: wait the window for the next one
  // The last cycle stored events while the outbox was quiet: their PUBACKs are about to come, and
  // the writer waits kQuietAckWindow for them (and for the next append) without being woken.
  bool acks_coming_ = false;

  const std::chrono::microseconds window_;
  const std::size_t group_max_;
  ReportSink sink_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> appends_;                       // guarded by mutex_
  SeqRanges acks_;                                   // guarded by mutex_
  std::chrono::steady_clock::time_point first_ack_;  // guarded by mutex_
  bool stopping_ = false;                            // guarded by mutex_
  bool acks_awaited_ = false;  // guarded by mutex_: the writer waits for acks by itself (no wake)
  std::thread thread_;
};

}  // namespace wedge::outbox
