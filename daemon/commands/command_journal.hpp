// CommandJournal: the commands room, the one owner of <state_dir>/commands.db. Every write to that
// file — a command from the OMS, the stations' hourly purge — runs on the journal's own thread, one
// task at a time and in the order posted, so no writer ever waits for another and nothing on the
// loop waits on SQLite's busy_timeout (docs/architecture.md, "Databases and their writers").
// commands.db is the command journal and nothing else: the orders and their states are the
// stations' (stations.db), and the journal asks them (set_order_checks) before it stores an order
// command.
//
// Contract
// - async_submit(): takes OMS commands one at a time, in the order submitted. For each, on the
//   journal thread: parse it (command.hpp) and look its id up; a command id stored before is
//   answered "accepted, duplicate" and `done` gets no command: nothing is handed on twice, across
//   restarts too. A new command then goes to the order checks on the loop (unknown order, order
//   exists, wrong state: the stations answer from the orders as they are after every command
//   before it was applied); a refused one is answered rejected and not stored, so the same id sent
//   again is checked again. An allowed one is committed (synchronous=FULL), then `done` runs on
//   the loop with the reply and the command, and must hand it to the stations before returning:
//   the next command's checks run only after that. Without order checks (no stations: tools) every
//   well-formed command is stored.
// - async_purge(): CommandStore::purge() on the journal thread; `done` gets the result on the loop.
// - read_stored(): the commands stored after a rowid, for the stations' replay at start-up
//   (read_stored_commands; its own read-only connection). Call before the link starts.
// - stop(): a task already running finishes; queued ones are dropped and their `done` never runs
//   (an unanswered command is not acknowledged to the broker, which sends it again after the
//   restart). Idempotent; the destructor calls it.
//
// Threading: construct, call and destroy on the loop thread; `done` handlers and the order checks
// run on the loop.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "daemon/commands/command.hpp"
#include "daemon/commands/command_store.hpp"
#include "daemon/core/result.hpp"

namespace wedge::commands {

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
  // Whether the orders allow `command` now: success, or the reason with not_found (unknown order),
  // already_exists (a pick_list for a known order) or failed_precondition (wrong state); any other
  // code rejects it storage_error (order_rejection in command.hpp). Runs on the loop.
  using OrderChecks = std::function<core::Status(const Command& command)>;
  using PurgeDone = std::function<void(core::Result<JournalPurge> purged)>;

  // Opens or creates `db_path`; throws std::runtime_error with the SQLite message (start-up error).
  CommandJournal(boost::asio::any_io_executor loop, std::string db_path);
  ~CommandJournal();
  CommandJournal(const CommandJournal&) = delete;
  CommandJournal& operator=(const CommandJournal&) = delete;

  const std::string& path() const { return path_; }

  // Installs (or, with {}, removes) the stations' order checks. Whoever installs them removes them
  // before it goes.
  void set_order_checks(OrderChecks checks);
  // See the contract. `max_bytes` is the size limit of a command payload.
  void async_submit(IncomingCommand incoming, std::size_t max_bytes, Done done);
  void async_purge(std::string stations_db_path, std::int64_t cutoff_unix_ms, std::int64_t limit, PurgeDone done);
  [[nodiscard]] core::Result<StoredCommands> read_stored(std::int64_t after_rowid) const;
  void stop();

 private:
  struct Pipeline;

  boost::asio::any_io_executor loop_;
  std::string path_;
  std::shared_ptr<CommandStore> store_;  // touched on the journal thread only
  std::unique_ptr<boost::asio::thread_pool> thread_;
  // The commands waiting and the one under way; loop thread. Shared with the tasks in flight,
  // which find it gone (weak) once the journal is destroyed.
  std::shared_ptr<Pipeline> pipeline_;
  bool stopped_ = false;
};

}  // namespace wedge::commands
