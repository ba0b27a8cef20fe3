// The stations' housekeeping around the command journal and stations.db: replaying commands that
// were stored but never applied (start-up), the marks of applied commands, and the hourly purge of
// ended orders and of commands.db (on the command journal's thread, commands.db's only writer; its
// results come back to the loop).
// Stations::Impl members (station_impl.hpp); loop thread unless a comment says otherwise.
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "daemon/station/command_journal.hpp"
#include "daemon/station/station_impl.hpp"

namespace wedge::station {

namespace asio = boost::asio;

void Stations::Impl::replay_journal() {
  const auto watermark = store.journal_watermark();
  auto read = read_command_journal(journal.path(), watermark.value_or(0));
  if (!read.error.empty()) {
    spdlog::error("command journal not read, commands stored before a crash may be missing: {}", read.error);
    return;
  }
  if (!watermark) {
    // The first start with this stations.db: what the journal holds predates it (an upgrade) or
    // there is nothing yet. From here on every applied command is recorded.
    store.advance_journal_watermark(read.max_rowid);
    return;
  }
  std::size_t replayed = 0;
  for (auto& entry : read.entries) {
    std::string error;
    const auto handled = store.handled(entry.command.id, error);
    if (!handled) {
      // Unknown is not "not applied": stop here, keep the watermark, and try again at the next
      // start rather than apply a command twice.
      spdlog::error("command={} replay stopped: stations.db cannot tell whether it was applied: {}",
                    entry.command.id, error);
      if (replayed > 0) spdlog::info("{} stored command(s) applied at start", replayed);
      return;
    }
    if (*handled) continue;
    spdlog::warn("command={} type={} order={} was stored but not applied before the last stop: applying it now",
                 entry.command.id, commands::to_string(entry.command.type), entry.command.order_id);
    handle_command(entry.command, {});
    mark_handled(entry.command.id);
    ++replayed;
  }
  store.advance_journal_watermark(read.max_rowid);
  if (replayed > 0) spdlog::info("{} stored command(s) applied at start", replayed);
}

void Stations::Impl::mark_handled(const std::string& command_id) {
  store.mark_handled(command_id);
  if (tracking_marks) marked_during_purge.insert(command_id);
}

void Stations::Impl::forget_stale_marks(std::vector<std::string> ids) {
  std::erase_if(ids, [this](const std::string& id) { return marked_during_purge.contains(id); });
  tracking_marks = false;
  marked_during_purge.clear();
  forget_marks_from(std::make_shared<const std::vector<std::string>>(std::move(ids)), 0);
}

void Stations::Impl::forget_marks_from(std::shared_ptr<const std::vector<std::string>> ids, std::size_t from) {
  // A few hundred per turn of the loop, so that up to 10,000 deletes never hold up a scan for long.
  constexpr std::size_t kPerTurn = 500;
  const auto to = std::min(ids->size(), from + kPerTurn);
  const std::vector<std::string> chunk(ids->begin() + static_cast<std::ptrdiff_t>(from),
                                       ids->begin() + static_cast<std::ptrdiff_t>(to));
  if (std::string error; !store.forget_handled(chunk, error)) {
    spdlog::error("{} applied-command marks not removed from stations.db (tried again in an hour): {}",
                  ids->size() - from, error);
    return;
  }
  if (to == ids->size()) return;
  asio::post(loop, [weak = weak_from_this(), ids = std::move(ids), to] {
    if (auto self = weak.lock(); self && self->running) self->forget_marks_from(ids, to);
  });
}

bool Stations::Impl::held_by_station(const std::string& order_id) const {
  for (const auto& [id, st] : stations)
    if (st.current == order_id) return true;
  return false;
}

void Stations::Impl::purge_final_orders() {
  std::vector<std::string> purge;
  for (auto& id : store.final_ended_before(now_ms() - options.final_order_retention.count()))
    if (!held_by_station(id)) purge.push_back(std::move(id));
  if (std::string error; !store.remove_all(purge, error)) {
    spdlog::error("{} ended orders not removed from stations.db (tried again in an hour): {}", purge.size(), error);
  } else {
    for (const auto& id : purge) {
      unindex_queue(id);
      orders.erase(id);
    }
    if (!purge.empty())
      spdlog::info("{} orders shipped or cancelled before the retention period forgotten", purge.size());
  }
  // At most kJournalPurgeRows of each per hour, so that a long history (a commands.db from before
  // this purge) is cleared over a few hours without holding commands.db's lock for long.
  constexpr std::int64_t kJournalPurgeRows = 10'000;
  if (!journal_purge_running->exchange(true)) {
    tracking_marks = true;
    marked_during_purge.clear();
    journal.post([path = journal.path(), stations_db = stations_db_path,
                  cutoff = now_ms() - options.final_order_retention.count(), done = journal_purge_running,
                  loop = loop, weak = weak_from_this()] {
      auto purged = purge_command_journal(path, stations_db, cutoff, kJournalPurgeRows);
      if (!purged.error.empty()) {
        spdlog::error("commands.db not purged (tried again in an hour): {}", purged.error);
      } else if (purged.orders > 0 || purged.commands > 0) {
        spdlog::info("commands.db: {} ended orders and {} commands forgotten", purged.orders, purged.commands);
      }
      // The applied-command marks of commands that left the journal go too (on the loop, which
      // owns stations.db's writes); else handled_commands grows with every command until a restart.
      asio::post(loop, [weak, ids = std::move(purged.handled_to_forget)]() mutable {
        if (auto self = weak.lock(); self && self->running) self->forget_stale_marks(std::move(ids));
      });
      done->store(false);
    });
  }
  std::weak_ptr<Impl> weak = shared_from_this();
  purge_timer->expires_after(std::chrono::hours(1));
  purge_timer->async_wait([weak](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self && self->running) self->purge_final_orders();
  });
}

}  // namespace wedge::station
