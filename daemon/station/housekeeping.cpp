// The stations' housekeeping around the command journal and stations.db: replaying commands that
// were stored but never applied (start-up), the marks of applied commands, and the hourly purge of
// ended orders and of commands.db (on the command journal's thread, commands.db's only writer; its
// results come back to the loop).
// Housekeeping (housekeeping.hpp); loop thread unless a comment says otherwise.
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "daemon/station/housekeeping.hpp"

namespace wedge::station {

namespace asio = boost::asio;

Housekeeping::Housekeeping(StationContext& ctx, OrderCommands& commands, commands::CommandJournal& journal,
                           std::string stations_db_path)
    : ctx_(ctx),
      commands_(commands),
      journal_(journal),
      stations_db_path_(std::move(stations_db_path)),
      purge_timer_(ctx.loop),
      evict_timer_(ctx.loop) {}

void Housekeeping::start() {
  replay_journal();
  purge_final_orders();
  arm_eviction();
}

void Housekeeping::stop() {
  purge_timer_.cancel();
  evict_timer_.cancel();
}

void Housekeeping::replay_journal() {
  const auto watermark = ctx_.store.journal_watermark();
  auto read = journal_.read_stored(watermark.value_or(0));
  if (!read) {
    spdlog::error("command journal not read, commands stored before a crash may be missing: {}", read.reason());
    return;
  }
  if (!watermark) {
    // The first start with this stations.db: what the journal holds predates it (an upgrade) or
    // there is nothing yet. From here on every applied command is recorded.
    ctx_.store.advance_journal_watermark(read->max_rowid);
    return;
  }
  std::size_t replayed = 0;
  for (auto& entry : read->entries) {
    const auto handled = ctx_.store.handled(entry.command.id);
    if (!handled) {
      // Unknown is not "not applied": stop here, keep the watermark, and try again at the next
      // start rather than apply a command twice.
      spdlog::error("command={} replay stopped: stations.db cannot tell whether it was applied: {}",
                    entry.command.id, handled.reason());
      if (replayed > 0) spdlog::info("{} stored command(s) applied at start", replayed);
      return;
    }
    if (*handled) continue;
    spdlog::warn("command={} type={} order={} was stored but not applied before the last stop: applying it now",
                 entry.command.id, commands::to_string(entry.command.type), entry.command.order_id);
    commands_.handle_command(entry.command, {});
    mark_handled(entry.command.id);
    ++replayed;
  }
  ctx_.store.advance_journal_watermark(read->max_rowid);
  if (replayed > 0) spdlog::info("{} stored command(s) applied at start", replayed);
}

void Housekeeping::mark_handled(const std::string& command_id) {
  ctx_.store.mark_handled(command_id);
  if (tracking_marks_) marked_during_purge_.insert(command_id);
}

void Housekeeping::forget_stale_marks(std::vector<std::string> ids) {
  std::erase_if(ids, [this](const std::string& id) { return marked_during_purge_.contains(id); });
  tracking_marks_ = false;
  marked_during_purge_.clear();
  forget_marks_from(std::make_shared<const std::vector<std::string>>(std::move(ids)), 0);
}

void Housekeeping::forget_marks_from(std::shared_ptr<const std::vector<std::string>> ids, std::size_t from) {
  // A few hundred per turn of the loop, so that up to 10,000 deletes never hold up a scan for long.
  constexpr std::size_t kPerTurn = 500;
  const auto to = std::min(ids->size(), from + kPerTurn);
  const std::vector<std::string> chunk(ids->begin() + static_cast<std::ptrdiff_t>(from),
                                       ids->begin() + static_cast<std::ptrdiff_t>(to));
  if (auto forgotten = ctx_.store.forget_handled(chunk); !forgotten) {
    spdlog::error("{} applied-command marks not removed from stations.db (tried again in an hour): {}",
                  ids->size() - from, forgotten.reason());
    return;
  }
  if (to == ids->size()) return;
  asio::post(ctx_.loop, [this, alive = ctx_.alive(), ids = std::move(ids), to] {
    if (alive()) forget_marks_from(ids, to);
  });
}

bool Housekeeping::held_by_station(const std::string& order_id) const {
  for (const auto& [id, st] : ctx_.stations)
    if (st.current == order_id) return true;
  return false;
}

void Housekeeping::purge_final_orders() {
  std::vector<std::string> purge;
  for (auto& id : ctx_.store.final_ended_before(ctx_.now_ms() - ctx_.final_order_retention().count()))
    if (!held_by_station(id)) purge.push_back(std::move(id));
  if (auto removed = ctx_.store.remove_all(purge); !removed) {
    spdlog::error("{} ended orders not removed from stations.db (tried again in an hour): {}", purge.size(),
                  removed.reason());
  } else {
    for (const auto& id : purge) {
      ctx_.queue.unindex(id);
      ctx_.orders.erase(id);
    }
    if (!purge.empty())
      spdlog::info("{} orders shipped or cancelled before the retention period forgotten", purge.size());
  }
  prune_serials();
  // At most kJournalPurgeRows of each per hour, so that a long history (a commands.db from before
  // this purge) is cleared over a few hours without holding commands.db's lock for long.
  constexpr std::int64_t kJournalPurgeRows = 10'000;
  if (!journal_purge_running_) {
    journal_purge_running_ = true;
    tracking_marks_ = true;
    marked_during_purge_.clear();
    journal_.async_purge(stations_db_path_, ctx_.now_ms() - ctx_.final_order_retention().count(),
                         kJournalPurgeRows,
                         [this, alive = ctx_.alive()](core::Result<commands::JournalPurge> purged) {
                           if (!alive()) return;
                           journal_purge_running_ = false;
                           if (!purged) {
                             spdlog::error("commands.db not purged (tried again in an hour): {}", purged.reason());
                             purged = commands::JournalPurge{};
                           } else if (purged->commands > 0) {
                             spdlog::info("commands.db: {} commands of forgotten orders removed", purged->commands);
                           }
                           // The applied-command marks of commands that left the journal go too;
                           // else handled_commands grows with every command until a restart.
                           forget_stale_marks(std::move(purged->handled_to_forget));
                         });
  }
  purge_timer_.expires_after(std::chrono::hours(1));
  purge_timer_.async_wait([this, alive = ctx_.alive()](const boost::system::error_code& ec) {
    if (!ec && alive()) purge_final_orders();
  });
}

void Housekeeping::prune_serials() {
  // Read here, not at start: a reload changes the retention at the next hourly purge.
  const auto days = ctx_.config.section("serials").get_int("retention_days");
  const auto pruned = ctx_.serials.prune(ctx_.now_ms() - days * 24 * 3600 * 1000);
  if (!pruned) spdlog::error("serial registry not pruned (tried again in an hour): {}", pruned.reason());
  else if (*pruned > 0) spdlog::info("{} serials picked more than {} days ago forgotten", *pruned, days);
}

void Housekeeping::arm_eviction() {
  evict_timer_.expires_after(ctx_.options.final_order_in_memory);
  evict_timer_.async_wait([this, alive = ctx_.alive()](const boost::system::error_code& ec) {
    if (ec || !alive()) return;
    evict_final_orders();
    arm_eviction();
  });
}

void Housekeeping::evict_final_orders() {
  const auto cutoff = ctx_.now_ms() - ctx_.options.final_order_in_memory.count();
  std::size_t evicted = 0;
  for (auto it = ctx_.orders.begin(); it != ctx_.orders.end();) {
    const auto& order = it->second;
    // Every change of an order is saved as it happens, so the stored record is the same one. A
    // label still printing keeps its order here: on_print_outcome finds the order by its job.
    const bool idle = order.final() && order.station.empty() && order.ended_unix_ms < cutoff &&
                      order.label.state != LabelState::printing && !held_by_station(it->first);
    if (!idle) {
      ++it;
      continue;
    }
    ctx_.queue.unindex(it->first);
    it = ctx_.orders.erase(it);
    ++evicted;
  }
  if (evicted > 0) spdlog::debug("{} ended orders left memory (kept in stations.db)", evicted);
}

}  // namespace wedge::station
