// The protocol engine shared by the ZPL drivers: keeps the transport open (reconnecting with
// back-off), polls the status every status_interval, runs print jobs one at a time with a status
// check before and after, and reports health, status and warnings through callbacks.
//
// A status check asks ~HQES first (extended status: errors and warnings). An error there is the
// fault and ends the check; otherwise ~HS follows (pause, buffer full, … which ~HQES lacks). A
// printer that gives no ~HQES reply within status_timeout on a connection where it never answered
// one is remembered as not speaking ~HQES for that connection: from then on only ~HS is asked
// (as before ~HQES), until the link is opened again.
//
// Health it reports (reasons are exact, see docs/drivers/printer.md):
//   disconnected  "connect 10.0.0.5:9100: Connection refused", "printer closed the connection", …
//   faulted       hqes_error_reason() / hs_fault_reason() ("paper out, head open"), "not ready:
//                 no ~HS reply within 2000 ms", "not ready: no ~HQES reply within 2000 ms" (a
//                 printer that answered ~HQES before on this link), "unreadable ~HS reply: …",
//                 "unreadable ~HQES reply: …"
// Warnings (hqes_warnings(), e.g. "paper near end") come from the last ~HQES reply; they are
// cleared when the link is lost or the printer falls back to ~HS.
//   connected     "" — or "status unknown: …" for a device file that does not answer ~HS
//
// Lifetime: owned through shared_ptr; every pending handler holds one, so the owner (ZplPrinter)
// may drop its pointer right after stop(). After stop() no callback and no print handler runs.
// Threading: loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/common/backoff.hpp"
#include "drivers/common/settings.hpp"
#include "drivers/printer/hqes_status.hpp"
#include "drivers/printer/printer.hpp"
#include "drivers/printer/zpl_transport.hpp"

namespace wedge::drivers {

enum class StatusMode {
  required,  // no ~HS reply in time = "not ready" fault (TCP printers)
  automatic, // status unknown until the device answers once; from then on as `required`
  off,       // never ask; status unknown, jobs are sent blind
};

struct ZplSessionOptions {
  std::chrono::milliseconds io_timeout{5000};
  std::chrono::milliseconds status_interval{5000};
  std::chrono::milliseconds status_timeout{2000};
  std::chrono::milliseconds reconnect_initial{500};
  std::chrono::milliseconds reconnect_max{30000};
  StatusMode status_mode = StatusMode::required;

  // The timing keys every ZPL driver declares (io_timeout_ms, status_interval_ms,
  // status_timeout_ms, reconnect_initial_ms, reconnect_max_ms), with `mode`.
  static ZplSessionOptions from_settings(const Settings& settings, StatusMode mode);
};

struct ZplSessionCallbacks {
  std::function<void(HealthState, std::string)> health;
  std::function<void(const HsStatus&)> status;
  std::function<void()> status_unknown;
  std::function<void(std::vector<std::string>)> warnings;
};

class ZplSession : public std::enable_shared_from_this<ZplSession> {
 public:
  ZplSession(boost::asio::any_io_executor loop, std::string id,
             std::shared_ptr<ZplTransport> transport, ZplSessionOptions options,
             ZplSessionCallbacks callbacks);

  void start();
  void stop();
  void print(std::string zpl, Printer::PrintHandler handler);

 private:
  struct Job {
    std::string zpl;
    Printer::PrintHandler handler;
  };
  enum class QueryKind { ok, timeout, bad_reply, disconnected };
  enum class QueryStep { hqes, hs };
  // Whether this connection's printer answers ~HQES; reset on every (re)open.
  enum class HqesSupport { unknown, yes, no };
  struct QueryOutcome {
    QueryKind kind = QueryKind::disconnected;
    std::optional<HsStatus> status;       // the ~HS reply, when one was asked and parsed
    std::optional<HqesStatus> extended;   // the ~HQES reply, when the printer speaks it
    std::string error;
    QueryStep step = QueryStep::hs;       // which question timed out or was answered badly
  };
  using QueryHandler = std::function<void(const QueryOutcome&)>;

  void open();
  void on_open(const std::string& error);
  void schedule_reconnect();
  void connection_lost(const std::string& reason);
  void read_loop();
  void schedule_poll();
  void poll();
  bool may_query() const;
  void query_status(QueryHandler done);
  void ask(QueryStep step);
  void on_query_timeout();
  void on_reply(const StatusReply& reply);
  void set_warnings(std::vector<std::string> warnings);
  void finish_query(const QueryOutcome& outcome);
  // Applies a query outcome to health/status; returns the reason the printer cannot print
  // (empty when it can).
  std::string apply(const QueryOutcome& outcome);
  void pump();
  void run_job();
  void send_job();
  void finish_job(PrintResult result);
  void set_health(HealthState state, std::string reason);

  boost::asio::any_io_executor loop_;
  std::string id_;
  std::shared_ptr<ZplTransport> transport_;
  ZplSessionOptions options_;
  ZplSessionCallbacks callbacks_;

  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer poll_timer_;
  boost::asio::steady_timer query_timer_;
  boost::asio::steady_timer write_timer_;
  Backoff backoff_;

  bool started_ = false;
  bool stopped_ = false;
  bool open_ = false;
  bool reading_ = false;
  bool ever_answered_ = false;
  bool busy_ = false;               // a job or a poll owns the connection
  bool write_in_progress_ = false;
  bool write_timed_out_ = false;
  std::uint64_t generation_ = 0;    // bumped on every (re)open; stale completions compare it
  std::string last_disconnect_reason_ = "not connected yet";

  std::array<char, 1024> read_buffer_{};
  std::string rx_;
  QueryHandler query_done_;
  QueryStep query_step_ = QueryStep::hs;
  std::optional<HqesStatus> query_extended_;  // ~HQES answer of the query in flight
  HqesSupport hqes_ = HqesSupport::unknown;
  std::vector<std::string> last_warnings_;    // for logging each new warning once
  std::deque<Job> jobs_;
  std::optional<Job> current_;
};

}  // namespace wedge::drivers
