#include "drivers/printer/zpl_session.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace wedge::drivers {

ZplSessionOptions ZplSessionOptions::from_settings(const Settings& s, StatusMode mode) {
  using std::chrono::milliseconds;
  ZplSessionOptions o;
  o.io_timeout = milliseconds(s.get_int("io_timeout_ms"));
  o.status_interval = milliseconds(s.get_int("status_interval_ms"));
  o.status_timeout = milliseconds(s.get_int("status_timeout_ms"));
  o.reconnect_initial = milliseconds(s.get_int("reconnect_initial_ms"));
  o.reconnect_max = milliseconds(s.get_int("reconnect_max_ms"));
  o.status_mode = mode;
  return o;
}

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr std::string_view kHsCommand = "~HS";
constexpr std::string_view kHqesCommand = "~HQES";

std::string_view command_of(bool hqes) { return hqes ? kHqesCommand : kHsCommand; }
}  // namespace

ZplSession::ZplSession(asio::any_io_executor loop, std::string id,
                       std::shared_ptr<ZplTransport> transport, ZplSessionOptions options,
                       ZplSessionCallbacks callbacks)
    : loop_(loop),
      id_(std::move(id)),
      transport_(std::move(transport)),
      options_(options),
      callbacks_(std::move(callbacks)),
      reconnect_timer_(loop),
      poll_timer_(loop),
      query_timer_(loop),
      write_timer_(loop),
      backoff_(options.reconnect_initial, options.reconnect_max) {}

void ZplSession::start() {
  if (started_ || stopped_) return;
  started_ = true;
  open();
}

void ZplSession::stop() {
  if (stopped_) return;
  stopped_ = true;
  reconnect_timer_.cancel();
  poll_timer_.cancel();
  query_timer_.cancel();
  write_timer_.cancel();
  transport_->close();
  jobs_.clear();
  current_.reset();
  query_done_ = nullptr;
}

void ZplSession::set_health(HealthState state, std::string reason) {
  if (!stopped_ && callbacks_.health) callbacks_.health(state, std::move(reason));
}

void ZplSession::open() {
  if (stopped_) return;
  auto self = shared_from_this();
  transport_->async_open([this, self](std::string error) {
    if (stopped_) return;
    on_open(error);
  });
}

void ZplSession::on_open(const std::string& error) {
  if (!error.empty()) {
    if (error != last_disconnect_reason_)
      spdlog::warn("device={} printer unreachable: {}", id_, error);
    last_disconnect_reason_ = error;
    set_health(HealthState::disconnected, error);
    schedule_reconnect();
    pump();  // jobs waiting in the driver fail fast: nothing can be sent
    return;
  }
  spdlog::info("device={} printer link open: {}", id_, transport_->describe());
  open_ = true;
  write_in_progress_ = false;
  ++generation_;
  rx_.clear();
  hqes_ = HqesSupport::unknown;
  backoff_.reset();
  if (transport_->can_read()) read_loop();
  if (may_query()) {
    poll();
  } else {
    if (callbacks_.status_unknown) callbacks_.status_unknown();
    set_health(HealthState::connected,
               options_.status_mode == StatusMode::off
                   ? "status unknown: status_mode is off"
                   : "status unknown: device does not answer ~HS");
    schedule_poll();
    pump();
  }
}

void ZplSession::schedule_reconnect() {
  auto self = shared_from_this();
  reconnect_timer_.expires_after(backoff_.next());
  reconnect_timer_.async_wait([this, self](error_code ec) {
    if (ec || stopped_) return;
    open();
  });
}

void ZplSession::connection_lost(const std::string& reason) {
  if (!open_ || stopped_) return;
  spdlog::warn("device={} printer link lost: {}", id_, reason);
  open_ = false;
  reading_ = false;
  write_in_progress_ = false;
  ++generation_;
  last_disconnect_reason_ = reason;
  transport_->close();
  poll_timer_.cancel();
  rx_.clear();
  if (callbacks_.status_unknown) callbacks_.status_unknown();
  set_warnings({});
  set_health(HealthState::disconnected, reason);
  if (query_done_) finish_query({QueryKind::disconnected, {}, {}, reason, query_step_});
  schedule_reconnect();
}

void ZplSession::read_loop() {
  if (reading_ || !open_) return;
  reading_ = true;
  auto self = shared_from_this();
  const auto gen = generation_;
  transport_->async_read_some(
      asio::buffer(read_buffer_), [this, self, gen](error_code ec, std::size_t n) {
        if (stopped_ || gen != generation_) return;
        reading_ = false;
        if (ec == asio::error::eof && !transport_->eof_is_disconnect()) {
          // One-way device: nothing will ever come back. Status stays unknown; writes go on.
          return;
        }
        if (ec) {
          connection_lost(ec == asio::error::eof ? "printer closed the connection"
                                                 : fmt::format("read {}: {}",
                                                               transport_->describe(),
                                                               ec.message()));
          return;
        }
        rx_.append(read_buffer_.data(), n);
        while (auto reply = take_status_reply(
                   rx_, query_done_ != nullptr && query_step_ == QueryStep::hqes)) {
          ever_answered_ = true;
          on_reply(*reply);
          if (stopped_ || gen != generation_) return;
        }
        read_loop();
      });
}

bool ZplSession::may_query() const {
  if (!open_ || !transport_->can_read()) return false;
  return options_.status_mode != StatusMode::off;
}

void ZplSession::schedule_poll() {
  if (!open_ || stopped_) return;
  auto self = shared_from_this();
  const auto gen = generation_;
  poll_timer_.expires_after(options_.status_interval);
  poll_timer_.async_wait([this, self, gen](error_code ec) {
    if (ec || stopped_ || gen != generation_) return;
    if (busy_) {
      schedule_poll();  // a job is running and checks the status itself
      return;
    }
    poll();
  });
}

void ZplSession::poll() {
  if (!may_query()) {
    schedule_poll();
    return;
  }
  busy_ = true;
  auto self = shared_from_this();
  query_status([this, self](const QueryOutcome& outcome) {
    apply(outcome);
    busy_ = false;
    schedule_poll();
    pump();
  });
}

void ZplSession::on_reply(const StatusReply& reply) {
  const bool answers_query = query_done_ != nullptr && query_step_ == (reply.kind == StatusReplyKind::hqes
                                                                           ? QueryStep::hqes
                                                                           : QueryStep::hs);
  QueryOutcome outcome;
  outcome.step = reply.kind == StatusReplyKind::hqes ? QueryStep::hqes : QueryStep::hs;
  if (reply.kind == StatusReplyKind::hqes) {
    // A late ~HQES answer after the fallback, or one nobody asked for: the connection stays on ~HS.
    if (!answers_query) return;
    hqes_ = HqesSupport::yes;
    auto parsed = parse_hqes_reply(reply.text);
    if (!parsed) {
      finish_query({QueryKind::bad_reply, {}, {}, parsed.reason(), QueryStep::hqes});
      return;
    }
    query_extended_ = *parsed;
    if (!hqes_error_reason(*parsed).empty()) {
      // The error is the answer; a real printer may not even answer ~HS now.
      finish_query({QueryKind::ok, std::nullopt, *parsed, {}, QueryStep::hqes});
      return;
    }
    ask(QueryStep::hs);
    return;
  }
  auto parsed = parse_hs_reply(reply.text);
  if (parsed) {
    outcome.kind = QueryKind::ok;
    outcome.status = *parsed;
  } else {
    outcome.kind = QueryKind::bad_reply;
    outcome.error = parsed.reason();
  }
  if (answers_query) {
    outcome.extended = query_extended_;
    finish_query(outcome);
  } else if (query_done_ == nullptr) {
    apply(outcome);  // a late reply to a query that already timed out: still news
  }
}

void ZplSession::query_status(QueryHandler done) {
  query_done_ = std::move(done);
  query_extended_.reset();
  ask(hqes_ == HqesSupport::no ? QueryStep::hs : QueryStep::hqes);
}

void ZplSession::on_query_timeout() {
  if (query_step_ == QueryStep::hqes && hqes_ == HqesSupport::unknown) {
    hqes_ = HqesSupport::no;
    spdlog::info("device={} printer gives no ~HQES reply within {} ms: asking ~HS only on this link",
                 id_, options_.status_timeout.count());
    set_warnings({});
    ask(QueryStep::hs);
    return;
  }
  finish_query({QueryKind::timeout, {}, {}, {}, query_step_});
}

void ZplSession::ask(QueryStep step) {
  query_step_ = step;
  const bool hqes = step == QueryStep::hqes;
  auto self = shared_from_this();
  const auto gen = generation_;
  query_timer_.expires_after(options_.status_timeout);
  query_timer_.async_wait([this, self, gen, hqes](error_code ec) {
    if (ec || stopped_ || gen != generation_ || !query_done_) return;
    if (write_in_progress_) {
      // The printer does not even take a few bytes: the link is stuck, start over.
      connection_lost(fmt::format("write {} to {} timed out", command_of(hqes),
                                  transport_->describe()));
      return;
    }
    on_query_timeout();
  });
  write_in_progress_ = true;
  transport_->async_write(command_of(hqes), [this, self, gen](error_code ec, std::size_t) {
    if (stopped_) return;
    if (gen == generation_) write_in_progress_ = false;
    if (gen != generation_) return;
    if (ec) connection_lost(fmt::format("write {}: {}", transport_->describe(), ec.message()));
  });
}

void ZplSession::finish_query(const QueryOutcome& outcome) {
  query_timer_.cancel();
  auto done = std::move(query_done_);
  query_done_ = nullptr;
  if (done) done(outcome);
}

void ZplSession::set_warnings(std::vector<std::string> warnings) {
  if (stopped_ || !callbacks_.warnings) return;
  if (warnings != last_warnings_) {
    for (const auto& w : warnings)
      if (std::find(last_warnings_.begin(), last_warnings_.end(), w) == last_warnings_.end())
        spdlog::warn("device={} printer warning: {}", id_, w);
    last_warnings_ = warnings;
  }
  callbacks_.warnings(std::move(warnings));
}

std::string ZplSession::apply(const QueryOutcome& outcome) {
  switch (outcome.kind) {
    case QueryKind::ok: {
      set_warnings(outcome.extended ? hqes_warnings(*outcome.extended) : std::vector<std::string>{});
      if (outcome.extended) {
        auto reason = hqes_error_reason(*outcome.extended);
        if (!reason.empty()) {
          set_health(HealthState::faulted, reason);
          return reason;
        }
      }
      if (!outcome.status) return "no ~HS status";  // not reached: ok without errors carries ~HS
      if (callbacks_.status) callbacks_.status(*outcome.status);
      auto reason = hs_fault_reason(*outcome.status);
      if (reason.empty()) {
        set_health(HealthState::connected, {});
      } else {
        set_health(HealthState::faulted, reason);
      }
      return reason;
    }
    case QueryKind::timeout: {
      if (options_.status_mode == StatusMode::automatic && !ever_answered_) {
        if (callbacks_.status_unknown) callbacks_.status_unknown();
        set_health(HealthState::connected, "status unknown: device does not answer ~HS");
        return {};
      }
      // ZPL guide, ~HS: no reply comes during media out, ribbon out, head open, rewinder full
      // or head over-temperature, so silence itself is the fault.
      auto reason = fmt::format("not ready: no {} reply within {} ms",
                                command_of(outcome.step == QueryStep::hqes),
                                options_.status_timeout.count());
      if (callbacks_.status_unknown) callbacks_.status_unknown();
      set_health(HealthState::faulted, reason);
      return reason;
    }
    case QueryKind::bad_reply: {
      auto reason = fmt::format("unreadable {} reply: {}",
                                command_of(outcome.step == QueryStep::hqes), outcome.error);
      set_health(HealthState::faulted, reason);
      return reason;
    }
    case QueryKind::disconnected:
      return "printer disconnected: " + outcome.error;
  }
  return "unknown status";
}

void ZplSession::print(std::string zpl, Printer::PrintHandler handler) {
  if (stopped_) return;
  if (jobs_.size() >= Printer::kMaxPendingJobs) {
    auto self = shared_from_this();
    asio::post(loop_, [this, self, handler = std::move(handler)] {
      if (!stopped_) handler(print_failure(PrintError::busy, "too many jobs waiting for this printer"));
    });
    return;
  }
  jobs_.push_back({std::move(zpl), std::move(handler)});
  // Posted, so that the handler never runs inside async_print().
  auto self = shared_from_this();
  asio::post(loop_, [this, self] {
    if (!stopped_) pump();
  });
}

void ZplSession::pump() {
  if (stopped_ || busy_ || current_ || jobs_.empty()) return;
  current_ = std::move(jobs_.front());
  jobs_.pop_front();
  run_job();
}

void ZplSession::run_job() {
  if (!open_) {
    finish_job(print_failure(PrintError::not_ready, "printer disconnected: " + last_disconnect_reason_));
    return;
  }
  busy_ = true;
  const bool check = may_query() &&
                     !(options_.status_mode == StatusMode::automatic && !ever_answered_);
  if (!check) {
    send_job();
    return;
  }
  auto self = shared_from_this();
  query_status([this, self](const QueryOutcome& outcome) {
    auto reason = apply(outcome);
    if (!reason.empty()) {
      finish_job(print_failure(PrintError::not_ready, reason));
      return;
    }
    send_job();
  });
}

void ZplSession::send_job() {
  if (!open_) {
    finish_job(print_failure(PrintError::not_ready, "printer disconnected: " + last_disconnect_reason_));
    return;
  }
  auto self = shared_from_this();
  const auto gen = generation_;
  write_timed_out_ = false;
  write_in_progress_ = true;
  write_timer_.expires_after(options_.io_timeout);
  write_timer_.async_wait([this, self, gen](error_code ec) {
    if (ec || stopped_ || gen != generation_ || !write_in_progress_) return;
    write_timed_out_ = true;
    transport_->close();  // completes the write with operation_aborted
  });
  transport_->async_write(current_->zpl, [this, self, gen](error_code ec, std::size_t n) {
    if (stopped_) return;
    write_timer_.cancel();
    write_in_progress_ = false;
    if (ec || gen != generation_) {
      const auto reason =
          write_timed_out_
              ? fmt::format("write to {} timed out after {} ms ({} of {} bytes sent)",
                            transport_->describe(), options_.io_timeout.count(), n,
                            current_->zpl.size())
              : fmt::format("write to {}: {} ({} of {} bytes sent)", transport_->describe(),
                            ec ? ec.message() : "link lost", n, current_->zpl.size());
      connection_lost(reason);
      finish_job(print_failure(PrintError::io, reason, n));
      return;
    }
    finish_job(n);
    if (stopped_ || !open_) return;
    // After the job: the printer may have run out of paper on it; report that now rather than at
    // the next poll, so the next job is held back with the right reason.
    if (may_query() && ever_answered_) {
      busy_ = true;
      query_status([this, self](const QueryOutcome& outcome) {
        apply(outcome);
        busy_ = false;
        pump();
      });
    }
  });
}

void ZplSession::finish_job(PrintResult result) {
  busy_ = false;
  auto job = std::move(current_);
  current_.reset();
  if (job && job->handler) job->handler(result);
  if (stopped_) return;
  // Handler may have queued more; the next job starts from a fresh stack.
  auto self = shared_from_this();
  asio::post(loop_, [this, self] {
    if (!stopped_) pump();
  });
}

}  // namespace wedge::drivers
