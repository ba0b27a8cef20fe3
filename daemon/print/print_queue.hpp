// The durable print queue: label jobs in SQLite (<state_dir>/print.db, WAL, synchronous=FULL)
// until a printer has taken them or they are given up.
//
// Contract
// - enqueue() commits the job before it returns; from then on it survives printer downtime and
//   daemon restarts. Jobs of one printer print in enqueue order, one at a time.
// - A job is sent only while its printer reports `connected`; the driver checks ~HS again just
//   before sending. A refusal before any byte left (PrintError::not_ready/busy: paper out, head
//   open, printer unreachable) does not count as an attempt: such a job waits until the printer
//   is back or the job is older than max_age. A failed send (PrintError::io) counts; it is
//   retried after retry_initial·2^(n−1) (capped at retry_max) until max_attempts.
// - Every job ends `printed` or `failed` (with the reason) exactly once, reported through the
//   outcome handler (so the workflow and the OMS can emit events).
// - Crash semantics, at most once: the row is set to `sending` (committed) before the first byte
//   is written and to `printed` after the last byte was accepted. A job found in `sending` at
//   start-up was interrupted in between; it may or may not have printed, so it is NOT resent: it
//   ends `failed` with reason kInterruptedReason, and an operator or the workflow reprints it by
//   id if the label is missing. A duplicate shipping label can end up on the wrong parcel; a
//   missing one stops the parcel at the pack station, where it is noticed.
// - While the oldest job of a printer waits for it (a fault before any byte left: paper out, head
//   open, unreachable), the wait handler hears the printer's reason, again whenever the reason
//   changes, and once with an empty reason when the job is handed to the printer again.
// - reprint(id) queues a copy of a finished (printed or failed) job as a new job whose
//   reprint_of names the original. Finished jobs are kept for keep_history, then deleted.
// - Bounds: at most max_queued_jobs unfinished jobs; enqueue refuses more.
//
// Threading: construct, call and destroy on the loop thread; handlers run there. SQLite calls
// are made on the loop thread: print jobs are a few per minute per station and each commit is
// one fsync. Printers must outlive the queue or be stopped before it.
#pragma once

#include "daemon/core/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/printer/printer.hpp"

namespace wedge::storage {
class Connection;
}  // namespace wedge::storage

namespace wedge::print {

inline constexpr std::string_view kInterruptedReason =
    "interrupted: the daemon stopped while sending this job; not resent to avoid a duplicate "
    "label, reprint it if the label is missing";

enum class JobState { queued, sending, printed, failed };
std::string_view to_string(JobState state) noexcept;

struct QueueOptions {
  std::string db_path;  // <state_dir>/print.db
  int max_attempts = 10;
  std::chrono::milliseconds max_age{std::chrono::hours(4)};
  std::chrono::milliseconds retry_initial{1000};
  std::chrono::milliseconds retry_max{60000};
  std::chrono::milliseconds printer_wait_poll{1000};
  std::chrono::milliseconds keep_history{std::chrono::hours(24 * 7)};
  std::int64_t max_queued_jobs = 10000;
};

struct NewJob {
  std::string id;  // empty: a UUID is assigned
  std::string printer_id;
  std::string order_id;
  std::string zpl;
};

struct JobInfo {
  std::string id;
  std::string printer_id;
  std::string order_id;
  std::string zpl;
  JobState state = JobState::queued;
  int attempts = 0;
  std::string last_error;
  std::string reprint_of;
  std::int64_t created_unix_ms = 0;
  std::int64_t finished_unix_ms = 0;
};

// A job's end: state is printed or failed.
struct JobOutcome {
  std::string job_id;
  std::string printer_id;
  std::string order_id;
  std::string reprint_of;
  JobState state = JobState::printed;
  std::string reason;  // empty when printed
  int attempts = 0;
};

// A job waiting for its printer; `reason` is empty when the wait is over (the job is being sent).
struct PrinterWait {
  std::string job_id;
  std::string printer_id;
  std::string order_id;
  std::string reason;  // the printer's fault as its driver reports it ("paper out", …)
};

class PrintQueue {
 public:
  using OutcomeHandler = std::function<void(const JobOutcome&)>;
  using WaitHandler = std::function<void(const PrinterWait&)>;

  // Opens (creating) the database; throws std::runtime_error if it cannot (start-up error).
  PrintQueue(boost::asio::any_io_executor loop, QueueOptions options);
  ~PrintQueue();
  PrintQueue(const PrintQueue&) = delete;
  PrintQueue& operator=(const PrintQueue&) = delete;

  // Registers a printer by its id (also after start(), for a reload: its queued jobs go out then).
  void add_printer(drivers::Printer& printer);
  // Reload: the printer leaves the queue, before it is destroyed; its unfinished jobs stay queued
  // for a printer of that id. Only while printing(id) is false: a job in flight needs its printer.
  void remove_printer(const std::string& printer_id);
  // A job is being sent to this printer now.
  [[nodiscard]] bool printing(const std::string& printer_id) const;
  void set_outcome_handler(OutcomeHandler handler);
  void set_wait_handler(WaitHandler handler);
  // Resolves jobs interrupted by a crash (→ failed, reported), drops old history, starts sending.
  void start();
  // Stops sending new jobs. The result of a job already in flight is still recorded if it
  // arrives while this object lives (stop the printers after the queue, on shutdown give them
  // io_timeout to finish); if it never arrives the job is resolved as interrupted at next start.
  void stop();

  // The job id once the job is committed. Fails with invalid_argument (empty label), not_found
  // (unknown printer; reprint: no such job), resource_exhausted (queue full), already_exists (the
  // job id), failed_precondition (reprint of an unfinished job), unavailable (print.db refused).
  core::Result<std::string> enqueue(NewJob job);
  core::Result<std::string> reprint(std::string_view job_id);
  [[nodiscard]] std::optional<JobInfo> find(std::string_view job_id);
  [[nodiscard]] std::int64_t count(JobState state);

 private:
  struct Lane;

  void kick(Lane& lane);
  void schedule(Lane& lane, std::chrono::milliseconds delay);
  void on_result(Lane& lane, const std::string& job_id, const drivers::PrintResult& result);
  void finish(const JobInfo& job, JobState state, const std::string& reason, int attempts);
  // Records (and reports when it changed) why the lane's oldest job waits; "" = it no longer waits.
  void note_wait(Lane& lane, const JobInfo& job, const std::string& reason);
  std::chrono::milliseconds retry_delay(int attempts) const;

  boost::asio::any_io_executor loop_;
  QueueOptions options_;
  std::unique_ptr<storage::Connection> db_;
  std::map<std::string, std::unique_ptr<Lane>, std::less<>> lanes_;
  std::vector<std::unique_ptr<Lane>> retired_lanes_;  // removed printers' lanes (remove_printer)
  OutcomeHandler outcome_handler_;
  WaitHandler wait_handler_;
  bool started_ = false;
  bool stopped_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace wedge::print
