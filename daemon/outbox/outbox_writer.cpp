#include "daemon/outbox/outbox_writer.hpp"

#include <pthread.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace wedge::outbox {

namespace {

// A delete that failed (disk full, I/O error) is tried again after this long even if nothing else
// arrives, so acked events do leave once the disk recovers.
constexpr auto kAckRetryInterval = std::chrono::milliseconds(100);

}  // namespace

OutboxWriter::OutboxWriter(OutboxStore store, StoreState state, std::chrono::microseconds window,
                           std::size_t group_max, ReportSink sink)
    : store_(std::move(store)),
      state_(state),
      window_(window),
      group_max_(group_max == 0 ? 1 : group_max),
      sink_(std::move(sink)),
      thread_([this] { run(); }) {}

OutboxWriter::~OutboxWriter() { stop(); }

void OutboxWriter::enqueue(NewEvent event) {
  {
    std::lock_guard lock(mutex_);
    appends_.push_back(Queued{std::move(event), std::chrono::steady_clock::now()});
  }
  wake_.notify_one();
}

void OutboxWriter::enqueue_ack(std::int64_t seq) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (acks_.empty()) {
      first_ack_ = std::chrono::steady_clock::now();
      wake = !acks_awaited_;
    }
    acks_.insert(seq);
  }
  // Only the first ack changes what the writer waits for (it starts the window), and not even that
  // while the writer already waits for acks with a deadline of its own; waking it for every ack
  // would cost a context switch per PUBACK and change nothing.
  if (wake) wake_.notify_one();
}

void OutboxWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  store_.close();
}

void OutboxWriter::wait_for_work(std::unique_lock<std::mutex>& lock) {
  auto has_work = [this] { return stopping_ || !appends_.empty() || !acks_.empty(); };
  if (retry_acks_.empty()) {
    if (acks_coming_) {
      // The PUBACKs of what was just stored come in about a millisecond: wait for them here (they
      // do not wake the writer), until an append comes or the window ends; whatever acks arrived
      // by then ride along.
      acks_coming_ = false;
      acks_awaited_ = true;
      wake_.wait_for(lock, kQuietAckWindow, [this] { return stopping_ || !appends_.empty(); });
      acks_awaited_ = false;
      if (appends_.empty() && !acks_.empty()) return;  // they have had their window
    }
    wake_.wait(lock, has_work);
  } else if (!wake_.wait_for(lock, kAckRetryInterval, has_work)) {
    return;  // nothing new: time to retry the failed deletes
  }
  if (stopping_) return;
  // Group commit: under sustained load (busy_), give the oldest waiting append `window_` to find
  // company, no longer. Otherwise an append commits at once: nobody is coming, and the wait would
  // only add to a picker's feedback. Acks alone wait too (see kQuietAckWindow); nobody waits for a
  // delete.
  if (!appends_.empty() && !busy_) return;
  const auto ack_wait = state_.depth <= kQuietDepth
                            ? std::max<std::chrono::microseconds>(window_, kQuietAckWindow)
                            : window_;
  const auto deadline =
      !appends_.empty() ? appends_.front().enqueued + window_ : first_ack_ + ack_wait;
  // An append that arrives while only acks are waiting must not sit out the acks' window: when
  // producers are quiet it commits at once, taking the waiting deletes along.
  wake_.wait_until(lock, deadline, [this] {
    return stopping_ || appends_.size() >= group_max_ || (!busy_ && !appends_.empty());
  });
}

void OutboxWriter::run() {
  // Named, so that per-thread CPU (/proc/<pid>/task/*/comm, top -H, scripts/bench scan) tells it apart.
  ::pthread_setname_np(::pthread_self(), "outbox-writer");
  while (true) {
    std::vector<Queued> appends;
    SeqRanges acks;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      wait_for_work(lock);
      const std::size_t take = std::min(appends_.size(), group_max_);
      appends.reserve(take);
      for (std::size_t i = 0; i < take; ++i) {
        appends.push_back(std::move(appends_.front()));
        appends_.pop_front();
      }
      std::swap(acks, acks_);
      stopping = stopping_ && appends_.empty();
    }
    busy_ = appends.size() >= kBusyGroup;
    for (const auto& range : retry_acks_.ranges()) acks.insert(range);
    retry_acks_.clear();
    if (!appends.empty() || !acks.empty()) {
      const auto count = appends.size();
      CommitReport report;
      try {
        report = commit_cycle(std::move(appends), acks.ranges());
      } catch (const std::exception& e) {
        // Out of memory or no entropy for a UUID: nothing was committed (the transaction is
        // rolled back by the store or never began); the producers must hear about it.
        report = failed_cycle(count, acks.ranges(), e.what());
      }
      acks_coming_ = count > 0 && !report.storage_failed && state_.depth > 0 && state_.depth <= kQuietDepth;
      sink_(std::move(report));
    }
    if (stopping) {
      if (!retry_acks_.empty()) {
        // Last chance for deletes that failed; if this fails too the events stay stored and are
        // delivered again after the restart (at least once, never lost).
        CommitReport report;
        auto ranges = retry_acks_.ranges();
        retry_acks_.clear();
        retry_acks_alone(report, std::move(ranges));
        report.state = state_;
        report.transactions = transactions_;
        report.storage_errors = storage_errors_;
        sink_(std::move(report));
      }
      return;
    }
  }
}

CommitReport OutboxWriter::commit_cycle(std::vector<Queued> appends, std::vector<SeqRange> acks) {
  CommitReport report;
  report.appends.reserve(appends.size());
  std::vector<RowToInsert> rows;
  rows.reserve(appends.size());
  std::int64_t seq = state_.next_seq;
  std::int64_t inserted_bytes = 0;
  for (const Queued& queued : appends) {
    const NewEvent& event = queued.event;
    std::string id = uuids_.next();
    auto envelope = build_envelope(EnvelopeFields{id, seq, event.ts_unix_ms, event.type, event.station,
                                                  event.order_id, event.data_json});
    if (!envelope) {
      report.appends.emplace_back(
          core::fail(OutboxError::invalid, "event " + event.type + " not stored: " + envelope.reason()));
      continue;
    }
    report.appends.emplace_back(Appended{seq, id});
    inserted_bytes += static_cast<std::int64_t>(envelope->size());
    rows.push_back(RowToInsert{seq++, std::move(id), event.topic, event.type, std::move(*envelope), event.ts_unix_ms});
  }

  const bool was_empty = state_.depth == 0;
  const auto started = std::chrono::steady_clock::now();
  auto outcome = store_.commit(rows, acks, seq - 1);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  if (!outcome.status) {
    ++storage_errors_;
    report.storage_failed = true;
    report.storage_reason = storage::code_name(outcome.status.code) + ": " + outcome.status.message;
    spdlog::error("outbox: commit of {} events and {} acks failed: {}", rows.size(), acks.size(),
                  report.storage_reason);
    for (auto& result : report.appends) {
      if (result) result = core::fail(OutboxError::storage, "event not stored: " + report.storage_reason);
    }
    // Deletes free space: on a full disk they may well succeed where the inserts failed.
    if (!acks.empty() && !rows.empty()) {
      retry_acks_alone(report, std::move(acks));
    } else {
      for (const auto& range : acks) retry_acks_.insert(range);
    }
  } else {
    if (!rows.empty() || !acks.empty()) {
      ++transactions_;
      report.commit_seconds.push_back(took.count());
    }
    state_.next_seq = seq;
    state_.depth += static_cast<std::int64_t>(rows.size()) - outcome.deleted_events;
    state_.bytes += inserted_bytes - outcome.deleted_bytes;
    report.acks_done = std::move(acks);
    if (rows.size() <= kFreshGroupMax) {
      report.committed.reserve(rows.size());
      for (auto& row : rows) {
        report.committed.push_back(StoredEvent{row.seq, std::move(row.id), std::move(row.topic),
                                               std::move(row.type), std::move(row.payload),
                                               row.created_unix_ms});
      }
    }
    if (state_.depth == 0) {
      state_.oldest_unix_ms = 0;
    } else if (outcome.deleted_events > 0 || was_empty) {
      if (auto status = store_.oldest(state_.oldest_unix_ms); !status) {
        spdlog::warn("outbox: reading the oldest event's time failed: {}", status.message);
      }
    }
  }
  report.state = state_;
  report.transactions = transactions_;
  report.storage_errors = storage_errors_;
  return report;
}

CommitReport OutboxWriter::failed_cycle(std::size_t appends, const std::vector<SeqRange>& acks,
                                        const std::string& what) {
  ++storage_errors_;
  spdlog::error("outbox: writer cycle failed: {}", what);
  CommitReport report;
  report.appends.assign(appends, core::fail(OutboxError::storage, "event not stored: internal error: " + what));
  for (const auto& range : acks) retry_acks_.insert(range);
  report.state = state_;
  report.transactions = transactions_;
  report.storage_errors = storage_errors_;
  report.storage_failed = true;
  report.storage_reason = "internal error: " + what;
  return report;
}

void OutboxWriter::retry_acks_alone(CommitReport& report, std::vector<SeqRange> acks) {
  const auto started = std::chrono::steady_clock::now();
  auto outcome = store_.commit({}, acks, state_.next_seq - 1);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  if (!outcome.status) {
    ++storage_errors_;
    if (!report.storage_failed) {
      report.storage_failed = true;
      report.storage_reason =
          storage::code_name(outcome.status.code) + ": " + outcome.status.message;
    }
    for (const auto& range : acks) retry_acks_.insert(range);
    return;
  }
  ++transactions_;
  report.commit_seconds.push_back(took.count());
  state_.depth -= outcome.deleted_events;
  state_.bytes -= outcome.deleted_bytes;
  if (state_.depth == 0) {
    state_.oldest_unix_ms = 0;
  } else if (outcome.deleted_events > 0) {
    (void)store_.oldest(state_.oldest_unix_ms);
  }
  report.acks_done.insert(report.acks_done.end(), acks.begin(), acks.end());
}

}  // namespace wedge::outbox
