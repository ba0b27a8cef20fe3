#include "daemon/print/print_queue.hpp"

#include <boost/asio/post.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <fmt/format.h>

#include "daemon/print/print_db.hpp"
#include "daemon/storage/sqlite.hpp"
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>


namespace wedge::print {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view kSchema =
    "CREATE TABLE IF NOT EXISTS print_job ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE,"
    " printer_id TEXT NOT NULL,"
    " order_id TEXT NOT NULL,"
    " zpl BLOB NOT NULL,"
    " state TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '',"
    " reprint_of TEXT NOT NULL DEFAULT '',"
    " created_unix_ms INTEGER NOT NULL,"
    " next_attempt_unix_ms INTEGER NOT NULL DEFAULT 0,"
    " finished_unix_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS print_job_lane ON print_job(printer_id, state, seq);";

constexpr std::string_view kColumns =
    "id, printer_id, order_id, zpl, state, attempts, last_error, reprint_of, created_unix_ms, "
    "finished_unix_ms, next_attempt_unix_ms";

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

JobState parse_state(std::string_view text) {
  if (text == "sending") return JobState::sending;
  if (text == "printed") return JobState::printed;
  if (text == "failed") return JobState::failed;
  return JobState::queued;
}

JobInfo read_job(const storage::Statement& st, std::int64_t* next_attempt = nullptr) {
  JobInfo job;
  job.id = st.column_text(0);
  job.printer_id = st.column_text(1);
  job.order_id = st.column_text(2);
  job.zpl = st.column_text(3);
  job.state = parse_state(st.column_text(4));
  job.attempts = static_cast<int>(st.column_int(5));
  job.last_error = st.column_text(6);
  job.reprint_of = st.column_text(7);
  job.created_unix_ms = st.column_int(8);
  job.finished_unix_ms = st.column_int(9);
  if (next_attempt != nullptr) *next_attempt = st.column_int(10);
  return job;
}

}  // namespace

std::string_view to_string(JobState state) noexcept {
  switch (state) {
    case JobState::queued: return "queued";
    case JobState::sending: return "sending";
    case JobState::printed: return "printed";
    case JobState::failed: return "failed";
  }
  return "unknown";
}

struct PrintQueue::Lane {
  Lane(asio::any_io_executor loop, drivers::Printer& p) : printer(&p), timer(loop) {}
  drivers::Printer* printer;
  asio::steady_timer timer;
  bool in_flight = false;
  bool timer_armed = false;
  bool retired = false;         // its printer left the queue (remove_printer)
  std::string waiting_reason;  // why the oldest job waits ("" = it does not), to report changes only
  std::string waiting_job;     // the job that reason is about
};

PrintQueue::PrintQueue(asio::any_io_executor loop, QueueOptions options)
    : loop_(loop), options_(std::move(options)) {
  db_ = open_print_db(options_.db_path, kSchema);
}

PrintQueue::~PrintQueue() {
  for (auto& [id, lane] : lanes_) lane->timer.cancel();
}

void PrintQueue::add_printer(drivers::Printer& printer) {
  remove_printer(printer.id());
  auto& lane = lanes_[printer.id()];
  lane = std::make_unique<Lane>(loop_, printer);
  kick(*lane);
}

void PrintQueue::remove_printer(const std::string& printer_id) {
  const auto it = lanes_.find(printer_id);
  if (it == lanes_.end()) return;
  // Kept, not destroyed: a timer handler already queued on the loop may still hold the lane. A
  // retired lane does nothing more (kick) and no longer points at a printer.
  it->second->timer.cancel();
  it->second->retired = true;
  it->second->printer = nullptr;
  retired_lanes_.push_back(std::move(it->second));
  lanes_.erase(it);
}

bool PrintQueue::printing(const std::string& printer_id) const {
  const auto it = lanes_.find(printer_id);
  return it != lanes_.end() && it->second->in_flight;
}

void PrintQueue::set_outcome_handler(OutcomeHandler handler) {
  outcome_handler_ = std::move(handler);
}

void PrintQueue::set_wait_handler(WaitHandler handler) {
  wait_handler_ = std::move(handler);
}

void PrintQueue::start() {
  if (started_) return;
  started_ = true;
  const auto now = now_unix_ms();

  // Jobs caught between "sending" and "printed" by a crash: at most once (see header).
  std::vector<JobInfo> interrupted;
  {
    auto st = db_->statement(fmt::format("SELECT {} FROM print_job WHERE state='sending' ORDER BY seq",
                                       kColumns));
    while (st.step().code == SQLITE_ROW) interrupted.push_back(read_job(st));
  }
  for (const auto& job : interrupted) {
    spdlog::warn("printer={} job={} order={} was interrupted while sending; not resent",
                 job.printer_id, job.id, job.order_id);
    finish(job, JobState::failed, std::string(kInterruptedReason), job.attempts + 1);
  }

  // Jobs for a printer that is no longer configured would wait forever.
  std::vector<JobInfo> orphans;
  {
    auto st = db_->statement(fmt::format("SELECT {} FROM print_job WHERE state='queued' ORDER BY seq",
                                       kColumns));
    while (st.step().code == SQLITE_ROW) {
      auto job = read_job(st);
      if (lanes_.find(job.printer_id) == lanes_.end()) orphans.push_back(std::move(job));
    }
  }
  for (const auto& job : orphans)
    finish(job, JobState::failed,
           fmt::format("printer '{}' is not configured any more", job.printer_id), job.attempts);

  auto purge = db_->statement(
      "DELETE FROM print_job WHERE state IN ('printed','failed') AND finished_unix_ms < ?");
  purge.bind(1, now - options_.keep_history.count());
  if (auto st = purge.step(); !st) spdlog::error("print queue: purging history: {}", st.message);

  for (auto& [id, lane] : lanes_) {
    Lane* l = lane.get();
    std::weak_ptr<int> alive = alive_;
    asio::post(loop_, [this, l, alive] {
      if (!alive.expired()) kick(*l);
    });
  }
}

void PrintQueue::stop() {
  stopped_ = true;
  for (auto& [id, lane] : lanes_) lane->timer.cancel();
}

core::Result<std::string> PrintQueue::enqueue(NewJob job) {
  if (job.zpl.empty()) return core::fail(core::Errc::invalid_argument, "empty label");
  if (lanes_.find(job.printer_id) == lanes_.end())
    return core::fail(core::Errc::not_found, fmt::format("unknown printer '{}'", job.printer_id));
  if (count(JobState::queued) + count(JobState::sending) >= options_.max_queued_jobs)
    return core::fail(core::Errc::resource_exhausted,
                      fmt::format("print queue full ({} jobs waiting)", options_.max_queued_jobs));
  if (job.id.empty()) job.id = boost::uuids::to_string(boost::uuids::random_generator()());

  auto insert = db_->statement(
      "INSERT INTO print_job(id, printer_id, order_id, zpl, state, created_unix_ms, reprint_of) "
      "VALUES (?,?,?,?,'queued',?,?)");
  insert.bind(1, job.id).bind(2, job.printer_id).bind(3, job.order_id).bind(4, job.zpl);
  insert.bind(5, now_unix_ms()).bind(6, std::string_view{});
  if (auto st = insert.step(); !st) {
    if (st.code == SQLITE_CONSTRAINT_UNIQUE)
      return core::fail(core::Errc::already_exists, fmt::format("job id '{}' already exists", job.id));
    return core::fail(core::Errc::unavailable, "print queue: " + st.message);
  }
  spdlog::info("printer={} job={} order={} queued", job.printer_id, job.id, job.order_id);
  if (started_ && !stopped_) {
    Lane* lane = lanes_.find(job.printer_id)->second.get();
    std::weak_ptr<int> alive = alive_;
    asio::post(loop_, [this, lane, alive] {
      if (!alive.expired()) kick(*lane);
    });
  }
  return job.id;
}

core::Result<std::string> PrintQueue::reprint(std::string_view job_id) {
  auto original = find(job_id);
  if (!original) return core::fail(core::Errc::not_found, fmt::format("no job '{}'", job_id));
  if (original->state == JobState::queued || original->state == JobState::sending)
    return core::fail(core::Errc::failed_precondition, fmt::format("job '{}' has not finished yet", job_id));
  NewJob copy{{}, original->printer_id, original->order_id, original->zpl};
  auto result = enqueue(std::move(copy));
  if (!result) return result;
  auto mark = db_->statement("UPDATE print_job SET reprint_of=? WHERE id=?");
  mark.bind(1, original->id).bind(2, *result);
  if (auto st = mark.step(); !st) spdlog::error("print queue: marking reprint: {}", st.message);
  return result;
}

std::optional<JobInfo> PrintQueue::find(std::string_view job_id) {
  auto st = db_->statement(fmt::format("SELECT {} FROM print_job WHERE id=?", kColumns));
  st.bind(1, job_id);
  if (st.step().code != SQLITE_ROW) return std::nullopt;
  return read_job(st);
}

std::int64_t PrintQueue::count(JobState state) {
  auto st = db_->statement("SELECT COUNT(*) FROM print_job WHERE state=?");
  st.bind(1, to_string(state));
  if (st.step().code != SQLITE_ROW) return 0;
  return st.column_int(0);
}

milliseconds PrintQueue::retry_delay(int attempts) const {
  const int shift = std::clamp(attempts - 1, 0, 20);
  const auto delay = options_.retry_initial.count() << shift;
  return milliseconds(std::min<long long>(delay, options_.retry_max.count()));
}

void PrintQueue::schedule(Lane& lane, milliseconds delay) {
  lane.timer_armed = true;
  lane.timer.expires_after(delay);
  Lane* l = &lane;
  std::weak_ptr<int> alive = alive_;
  lane.timer.async_wait([this, l, alive](boost::system::error_code ec) {
    if (ec || alive.expired()) return;
    l->timer_armed = false;
    kick(*l);
  });
}

void PrintQueue::kick(Lane& lane) {
  if (stopped_ || !started_ || lane.in_flight || lane.retired) return;
  if (lane.timer_armed) {
    lane.timer.cancel();
    lane.timer_armed = false;
  }
  const auto& printer_id = lane.printer->id();
  // Oldest unfinished job first: labels come out in the order they were asked for.
  auto select = db_->statement(fmt::format(
      "SELECT {} FROM print_job WHERE printer_id=? AND state='queued' ORDER BY seq LIMIT 1",
      kColumns));
  select.bind(1, printer_id);
  if (select.step().code != SQLITE_ROW) return;  // idle until the next enqueue
  std::int64_t next_attempt = 0;
  const auto job = read_job(select, &next_attempt);
  const auto now = now_unix_ms();

  if (now - job.created_unix_ms > options_.max_age.count()) {
    const auto reason = fmt::format(
        "expired: not printed within {} ms ({} attempts; last error: {})",
        options_.max_age.count(), job.attempts, job.last_error.empty() ? "none" : job.last_error);
    finish(job, JobState::failed, reason, job.attempts);
    schedule(lane, milliseconds(0));
    return;
  }
  if (next_attempt > now) {
    schedule(lane, milliseconds(next_attempt - now));
    return;
  }
  const auto& health = lane.printer->health();
  if (health.state != drivers::HealthState::connected) {
    note_wait(lane, job, health.reason.empty() ? std::string(to_string(health.state)) : health.reason);
    schedule(lane, options_.printer_wait_poll);
    return;
  }
  note_wait(lane, job, {});

  // Committed before the first byte leaves: this row is what makes the crash case at most once.
  auto mark = db_->statement("UPDATE print_job SET state='sending' WHERE id=? AND state='queued'");
  mark.bind(1, job.id);
  if (auto st = mark.step(); !st) {
    spdlog::error("printer={} job={} cannot be marked sending: {}", printer_id, job.id, st.message);
    schedule(lane, retry_delay(1));
    return;
  }
  lane.in_flight = true;
  Lane* l = &lane;
  std::weak_ptr<int> alive = alive_;
  const std::string job_id = job.id;
  lane.printer->async_print(job.zpl, [this, l, alive, job_id](const drivers::PrintResult& result) {
    if (alive.expired()) return;
    on_result(*l, job_id, result);
  });
}

void PrintQueue::on_result(Lane& lane, const std::string& job_id,
                           const drivers::PrintResult& result) {
  lane.in_flight = false;
  auto job = find(job_id);
  if (!job) return;
  const auto& printer_id = lane.printer->id();
  if (result) {
    finish(*job, JobState::printed, {}, job->attempts + 1);
  } else if (result.error().code == drivers::PrintError::not_ready ||
             result.error().code == drivers::PrintError::busy) {
    // Nothing was sent: back to the queue without using up an attempt.
    spdlog::info("printer={} job={} not sent: {}", printer_id, job_id, result.reason());
    note_wait(lane, *job, result.reason().empty() ? std::string(to_string(result.error().code)) : result.reason());
    auto st = db_->statement(
        "UPDATE print_job SET state='queued', last_error=?, next_attempt_unix_ms=? WHERE id=?");
    st.bind(1, result.reason()).bind(2, now_unix_ms() + options_.printer_wait_poll.count());
    st.bind(3, job_id);
    if (auto s = st.step(); !s) spdlog::error("print queue: {}", s.message);
  } else {
    const int attempts = job->attempts + 1;
    if (attempts >= options_.max_attempts) {
      finish(*job, JobState::failed,
             fmt::format("gave up after {} attempts: {}", attempts, result.reason()), attempts);
    } else {
      const auto delay = retry_delay(attempts);
      spdlog::warn("printer={} job={} attempt {} failed, retry in {} ms: {}", printer_id, job_id,
                   attempts, delay.count(), result.reason());
      auto st = db_->statement(
          "UPDATE print_job SET state='queued', attempts=?, last_error=?, next_attempt_unix_ms=? "
          "WHERE id=?");
      st.bind(1, std::int64_t{attempts}).bind(2, result.reason());
      st.bind(3, now_unix_ms() + delay.count()).bind(4, job_id);
      if (auto s = st.step(); !s) spdlog::error("print queue: {}", s.message);
    }
  }
  if (!stopped_) schedule(lane, milliseconds(0));
}

void PrintQueue::note_wait(Lane& lane, const JobInfo& job, const std::string& reason) {
  if (reason == lane.waiting_reason && job.id == lane.waiting_job) return;
  if (!reason.empty())
    spdlog::info("printer={} job={} waits: {}", job.printer_id, job.id, reason);
  const bool report = !reason.empty() || !lane.waiting_reason.empty();
  lane.waiting_reason = reason;
  lane.waiting_job = job.id;
  if (report && wait_handler_) wait_handler_({job.id, job.printer_id, job.order_id, reason});
}

void PrintQueue::finish(const JobInfo& job, JobState state, const std::string& reason,
                        int attempts) {
  auto st = db_->statement(
      "UPDATE print_job SET state=?, last_error=?, attempts=?, finished_unix_ms=? WHERE id=?");
  st.bind(1, to_string(state)).bind(2, reason).bind(3, std::int64_t{attempts});
  st.bind(4, now_unix_ms()).bind(5, job.id);
  if (auto s = st.step(); !s) {
    // The outcome is still reported: the label did (or did not) print whatever the disk says.
    // If this row stays `sending`, the next start reports it again as interrupted.
    spdlog::error("printer={} job={} outcome not stored: {}", job.printer_id, job.id, s.message);
  }
  if (state == JobState::printed) {
    spdlog::info("printer={} job={} order={} printed", job.printer_id, job.id, job.order_id);
  } else {
    spdlog::warn("printer={} job={} order={} failed: {}", job.printer_id, job.id, job.order_id,
                 reason);
  }
  if (outcome_handler_)
    outcome_handler_({job.id, job.printer_id, job.order_id, job.reprint_of, state, reason,
                      attempts});
}

}  // namespace wedge::print
