#include "daemon/commands/command_journal.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace wedge::commands {

namespace asio = boost::asio;

namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Reply storage_failure(const Command& command, const char* what, const core::Error& error) {
  spdlog::error("command={} store failed during {}: {}", command.id, what, error.reason);
  Rejection rejection;
  rejection.code = RejectCode::storage_error;
  rejection.reason = fmt::format("the gateway could not store the command ({}); retry later", error.reason);
  rejection.command_id = command.id;
  rejection.type = std::string(to_string(command.type));
  return rejected_reply(rejection);
}

}  // namespace

// One command at a time goes through parse → id lookup (journal thread) → order checks (loop) →
// commit (journal thread) → `done` (loop): the checks of a command must see the orders as every
// command before it left them, and those are applied only once committed.
struct CommandJournal::Pipeline : std::enable_shared_from_this<Pipeline> {
  struct Pending {
    IncomingCommand incoming;
    std::size_t max_bytes = 0;
    Done done;
  };

  asio::any_io_executor loop;
  asio::thread_pool& thread;
  std::shared_ptr<CommandStore> store;
  OrderChecks checks;
  std::deque<Pending> waiting;
  std::optional<Pending> current;
  bool stopped = false;

  Pipeline(asio::any_io_executor loop_in, asio::thread_pool& thread_in, std::shared_ptr<CommandStore> store_in)
      : loop(std::move(loop_in)), thread(thread_in), store(std::move(store_in)) {}

  // Runs `step` on the loop, if the journal still lives.
  template <class Step>
  void on_loop(Step step) {
    asio::post(loop, [weak = weak_from_this(), step = std::move(step)]() mutable {
      if (auto self = weak.lock(); self && !self->stopped) step(*self);
    });
  }

  void next() {
    if (current || waiting.empty() || stopped) return;
    current = std::move(waiting.front());
    waiting.pop_front();
    asio::post(thread, [self = shared_from_this(), incoming = current->incoming, max_bytes = current->max_bytes] {
      auto parsed = incoming.truncated ? oversized_command(incoming.type, incoming.payload_bytes, max_bytes)
                                       : parse_command(incoming.type, incoming.payload, max_bytes);
      if (!parsed) return self->finish(rejected_reply(parsed.error()), std::nullopt);
      const auto known = self->store->known(parsed->id);
      if (!known) return self->finish(storage_failure(*parsed, "lookup", known.error()), std::nullopt);
      // A duplicate was handed on when it first came: it goes no further.
      if (*known) return self->finish(accepted_reply(*parsed, true), std::nullopt);
      self->on_loop([command = std::move(*parsed)](Pipeline& pipeline) mutable { pipeline.check(std::move(command)); });
    });
  }

  // Loop.
  void check(Command command) {
    core::Status allowed;
    if (checks && command.type != CommandType::rebirth) allowed = checks(command);
    if (!allowed) return complete(rejected_reply(order_rejection(command, allowed.error())), std::nullopt);
    asio::post(thread, [self = shared_from_this(), command = std::move(command)]() mutable {
      if (auto stored = self->store->store(command, now_unix_ms()); !stored)
        return self->finish(storage_failure(command, "commit", stored.error()), std::nullopt);
      auto reply = accepted_reply(command, false);
      self->finish(std::move(reply), std::move(command));
    });
  }

  // Journal thread: back to the loop with the answer.
  void finish(Reply reply, std::optional<Command> accepted) {
    on_loop([reply = std::move(reply), accepted = std::move(accepted)](Pipeline& pipeline) mutable {
      pipeline.complete(std::move(reply), std::move(accepted));
    });
  }

  // Loop. The next command starts first: its checks run on a later turn of the loop, after `done`
  // has handed this one on.
  void complete(Reply reply, std::optional<Command> accepted) {
    auto done = std::move(current->done);
    current.reset();
    next();
    if (done) done(reply, std::move(accepted));
  }
};

CommandJournal::CommandJournal(asio::any_io_executor loop, std::string db_path)
    : loop_(std::move(loop)),
      path_(std::move(db_path)),
      store_(std::make_shared<CommandStore>(path_)),
      thread_(std::make_unique<asio::thread_pool>(1)),
      pipeline_(std::make_shared<Pipeline>(loop_, *thread_, store_)) {}

CommandJournal::~CommandJournal() { stop(); }

void CommandJournal::set_order_checks(OrderChecks checks) { pipeline_->checks = std::move(checks); }

void CommandJournal::async_submit(IncomingCommand incoming, std::size_t max_bytes, Done done) {
  if (stopped_) return;
  pipeline_->waiting.push_back({std::move(incoming), max_bytes, std::move(done)});
  pipeline_->next();
}

void CommandJournal::async_purge(std::string stations_db_path, std::int64_t cutoff_unix_ms, std::int64_t limit,
                                 PurgeDone done) {
  if (stopped_) return;
  asio::post(*thread_, [store = store_, pipeline = std::weak_ptr<Pipeline>(pipeline_), loop = loop_,
                        stations_db_path = std::move(stations_db_path), cutoff_unix_ms, limit,
                        done = std::move(done)]() mutable {
    auto purged = store->purge(stations_db_path, cutoff_unix_ms, limit);
    asio::post(loop, [pipeline, purged = std::move(purged), done = std::move(done)]() mutable {
      if (auto alive = pipeline.lock(); alive && !alive->stopped && done) done(std::move(purged));
    });
  });
}

core::Result<StoredCommands> CommandJournal::read_stored(std::int64_t after_rowid) const {
  return read_stored_commands(path_, after_rowid);
}

void CommandJournal::stop() {
  if (stopped_) return;
  stopped_ = true;
  pipeline_->stopped = true;
  thread_->stop();
  thread_->join();
}

}  // namespace wedge::commands
