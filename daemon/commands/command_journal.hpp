// CommandJournal: the one owner of <state_dir>/commands.db. Every write to that file — a command
// from the OMS, the stations' weight hold, the hourly purge — runs on the journal's own thread, one
// task at a time and in the order posted, so no writer ever waits for another and nothing on the
// loop waits on SQLite's busy_timeout (docs/architecture.md, "Who writes which database").
//
// Contract
// - async_submit(): parses an OMS command and, when it passes the stored-state checks, commits it
//   (CommandStore: synchronous=FULL) before `done` runs on the loop with the reply. A command id
//   seen before is answered "accepted, duplicate" and `done` gets no command: nothing is handed on
//   twice, across restarts too. Otherwise the accepted command comes with the reply, and the caller
//   hands it to the stations.
// - async_hold_for_station(): records that the stations put an order on hold themselves, so that
//   the OMS's order.release passes the state check; failures are logged.
// - post(): runs housekeeping that writes commands.db (the stations' purge) on the journal thread.
// - stop(): a task already running finishes; queued ones are dropped (an unanswered command is
//   not acknowledged to the broker, which sends it again after the restart). Idempotent; the
//   destructor calls it.
//
// Threading: construct, call and destroy on the loop thread; `done` handlers run on the loop.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "daemon/commands/command.hpp"

namespace wedge::commands {

class CommandStore;

// One command as it came off the wire (the link's InboundMessage, without MQTT).
struct IncomingCommand {
  std::string type;               // the command type from the topic ("" when none)
  std::string payload;            // empty when truncated
  std::size_t payload_bytes = 0;  // the size the sender announced
  bool truncated = false;         // too large: read no further than the announced size
};

class CommandJournal {
 public:
  using Done = std::function<void(const Reply& reply, std::optional<Command> accepted)>;

  // Opens or creates `db_path`; throws std::runtime_error with the SQLite message (start-up error).
  CommandJournal(boost::asio::any_io_executor loop, std::string db_path);
  ~CommandJournal();
  CommandJournal(const CommandJournal&) = delete;
  CommandJournal& operator=(const CommandJournal&) = delete;

  const std::string& path() const { return path_; }

  // See the contract. `max_bytes` is the size limit of a command payload.
  void async_submit(IncomingCommand incoming, std::size_t max_bytes, Done done);
  void async_hold_for_station(std::string order_id);
  void post(std::function<void()> task);
  void stop();

 private:
  boost::asio::any_io_executor loop_;
  std::string path_;
  std::shared_ptr<CommandStore> store_;  // touched on the journal thread only
  std::unique_ptr<boost::asio::thread_pool> thread_;
  bool stopped_ = false;
};

}  // namespace wedge::commands
