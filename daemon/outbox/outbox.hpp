// The durable outbox: every event the OMS must see, in SQLite (WAL) in state_dir, until the broker
// has acknowledged it.
//
// Contract
// - append(): the event is handed to a writer thread that commits it in a group transaction with
//   synchronous=FULL (many events per fsync, waiting at most `group_commit_window` for company).
//   The completion handler runs on the loop executor only after that commit: a station may tell a
//   picker "accepted" only from inside that handler. On success it carries the event's `seq`
//   (gap-free per gateway, strictly increasing, survives restarts) and its UUID `id`.
// - Limits: when the outbox holds `max_events` events or `max_bytes` payload bytes, a telemetry
//   event is dropped (counted in stats().telemetry_dropped) and a business event is refused with
//   OutboxError::full — nothing already stored is ever dropped. The full → not-full transitions are
//   reported through the alarm handler. Once full, the outbox stays "full" (alarm on, telemetry
//   dropped, business accepted only if it fits) until acks bring it down to `alarm_clear_ratio` of
//   both limits; that hysteresis keeps the alarm from flapping at the edge and lets business events
//   have the freed room first.
// - Delivery: next_batch() hands out, in seq order, events not yet handed out since the last
//   rewind(): just-committed ones from a bounded copy in memory, older ones from SQLite (start-up
//   never loads the backlog into memory). ack(seq) deletes an event
//   once its PUBACK arrived; rewind() makes every unacked event eligible again (after a reconnect).
// - A commit error (disk full, I/O error) fails the affected appends with OutboxError::storage and
//   raises the alarm; the events are not stored and the caller must refuse the work. The next
//   successful commit clears that alarm. What was committed before is never touched by a failure.
// - The alarm handler gets (active, reason): active is true while the buffer is full or the last
//   commit failed; it is called (posted) on every change of either condition.
// - The available handler (optional, one) is called after each commit that stored new events,
//   after that commit's append handlers. It is the MQTT link's only news of new events: the link
//   does not poll, and producers append through an EventSink (event_sink.hpp), never the link.
// - next_batch() reads on the loop thread through its own read-only SQLite connection (WAL: never
//   waits for the writer), at most max_events rows per call, and none while the link is caught up
//   with the commits reported so far.
//
// Threading: construct, call and destroy on the loop thread (debug builds assert it in append,
// next_batch, ack and rewind: core/loop_guard.hpp). Handlers run on the loop executor.
#pragma once

#include "daemon/core/histogram.hpp"
#include "daemon/core/result.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wedge::outbox {

enum class EventClass { business, telemetry };

enum class OutboxError {
  none = 0,
  full,     // business event refused: limits reached ("buffer full")
  dropped,  // telemetry event dropped because the outbox is full
  storage,  // SQLite could not commit (disk full, I/O error); the error's reason says which
  stopped,  // outbox shut down before the commit
  invalid,  // data_json is not a JSON object; nothing stored (a bug in the producer)
};

std::string_view to_string(OutboxError error) noexcept;

// What a producer hands in. The outbox assigns `id` (UUID v4) and `seq` and stores the finished
// JSON envelope {"id","seq","ts","type","station","order_id","data"} (docs/mqtt-api.md) as the
// payload.
struct NewEvent {
  EventClass event_class = EventClass::business;
  std::string topic;             // full MQTT topic
  std::string type;              // e.g. "pick.scan_accepted"
  std::string station;           // may be empty (gateway-level events)
  std::string order_id;          // may be empty
  std::string data_json = "{}";  // a JSON object, serialised
  std::int64_t ts_unix_ms = 0;   // when it happened; 0 = now
};

// Where a committed event was stored.
struct Appended {
  std::int64_t seq = 0;
  std::string id;  // the envelope's UUID v4
};

// The outcome of append(): where the event was stored, or its OutboxError code (never `none`) and a
// human sentence.
using AppendError = core::BasicError<OutboxError>;
using AppendResult = core::Result<Appended, AppendError>;

struct StoredEvent {
  std::int64_t seq = 0;
  std::string id;
  std::string topic;
  std::string type;
  std::string payload;
  std::int64_t created_unix_ms = 0;
};

struct Options {
  std::string db_path;  // <state_dir>/outbox.db
  std::int64_t max_events = 1'000'000;
  std::int64_t max_bytes = 512LL * 1024 * 1024;
  std::chrono::microseconds group_commit_window{2000};  // longest wait for a batch to fill
  std::size_t group_commit_max = 512;                   // events per transaction at most
  double alarm_clear_ratio = 0.9;  // "full" clears when usage <= this fraction of both limits
  // Test and tuning hooks. sqlite_vfs: name of a registered SQLite VFS (fault injection in tests);
  // empty = default. max_page_count: cap the file at this many pages (0 = no cap); a full disk in
  // miniature, returning SQLITE_FULL like the real one.
  std::string sqlite_vfs;
  std::int64_t max_page_count = 0;
};

struct Stats {
  std::int64_t depth = 0;           // events stored, not yet acked
  std::int64_t bytes = 0;           // payload bytes stored
  std::int64_t oldest_unix_ms = 0;  // creation time of the oldest stored event; 0 when empty
  std::int64_t last_seq = 0;
  std::int64_t telemetry_dropped = 0;
  std::int64_t business_refused = 0;
  bool full = false;
  std::int64_t queued = 0;            // appends waiting for their commit
  std::int64_t transactions = 0;      // committed write transactions (each one fsync) since open
  std::int64_t committed_events = 0;  // events committed since open
  std::int64_t storage_errors = 0;    // failed write transactions since open
  bool storage_failed = false;        // the last write transaction failed
  std::string storage_reason;         // why, while storage_failed ("database or disk is full")
  std::int64_t storage_failed_since_unix_ms = 0;  // first failure of the current run; 0 when none
};

class Outbox {
 public:
  using AppendHandler = std::function<void(const AppendResult&)>;
  using AlarmHandler = std::function<void(bool active, const std::string& reason)>;
  using AvailableHandler = std::function<void()>;

  // Opens (creating if needed) the database; throws std::runtime_error with the SQLite message if
  // it cannot (start-up error, caught in main).
  Outbox(boost::asio::any_io_executor loop, Options options);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  void append(NewEvent event, AppendHandler handler);
  std::vector<StoredEvent> next_batch(std::size_t max_events);
  void ack(std::int64_t seq);
  void rewind();
  Stats stats() const;
  // How long each committed transaction took, fsync included (kCommitBoundsSeconds): the disk's
  // share of every accepted scan, for /metrics (wedge_outbox_commit_seconds).
  const core::Histogram& commit_seconds() const;
  void set_alarm_handler(AlarmHandler handler);
  void set_available_handler(AvailableHandler handler);
  // Commits what is queued, stops the writer thread; later appends fail with `stopped`.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wedge::outbox
