#include "daemon/commands/command_journal.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "daemon/commands/command_store.hpp"

namespace wedge::commands {

namespace asio = boost::asio;

namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

CommandJournal::CommandJournal(asio::any_io_executor loop, std::string db_path)
    : loop_(std::move(loop)),
      path_(std::move(db_path)),
      store_(std::make_shared<CommandStore>(path_)),
      thread_(std::make_unique<asio::thread_pool>(1)) {}

CommandJournal::~CommandJournal() { stop(); }

void CommandJournal::async_submit(IncomingCommand incoming, std::size_t max_bytes, Done done) {
  asio::post(*thread_, [store = store_, loop = loop_, incoming = std::move(incoming), max_bytes,
                        done = std::move(done)]() mutable {
    auto parsed = incoming.truncated
                      ? oversized_command(incoming.type, incoming.payload_bytes, max_bytes)
                      : parse_command(incoming.type, incoming.payload, max_bytes);
    Reply reply = parsed ? store->submit(*parsed.command, now_unix_ms()) : rejected_reply(parsed.rejection);
    // A duplicate was handed on when it first came: it goes no further.
    std::optional<Command> accepted;
    if (reply.accepted && !reply.duplicate) accepted = std::move(parsed.command);
    asio::post(loop, [done = std::move(done), reply = std::move(reply), accepted = std::move(accepted)]() mutable {
      done(reply, std::move(accepted));
    });
  });
}

void CommandJournal::async_hold_for_station(std::string order_id) {
  asio::post(*thread_, [store = store_, order_id = std::move(order_id)] {
    if (std::string error; !store->hold_for_station(order_id, error))
      spdlog::error("order={} weight hold not recorded in commands.db; an order.release from the OMS will be "
                    "refused as invalid_state: {}", order_id, error);
  });
}

void CommandJournal::post(std::function<void()> task) { asio::post(*thread_, std::move(task)); }

void CommandJournal::stop() {
  if (stopped_) return;
  stopped_ = true;
  thread_->stop();
  thread_->join();
}

}  // namespace wedge::commands
