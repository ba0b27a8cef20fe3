// The stations' housekeeping around the command journal and stations.db: at start the commands
// stored in commands.db but never applied are applied (a crash between the two stores); the marks
// of applied commands; hourly, ended orders past orders.keep_ended_hours (StationContext::final_order_retention) leave stations.db
// (and serials past serials.retention_days its serial registry)
// and their commands leave commands.db (CommandJournal::async_purge: on the journal's thread,
// commands.db's only writer; its result comes back to the loop); every options.final_order_in_memory, idle ended orders leave
// memory (find_order reads them back). Loop thread unless a comment says otherwise.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "daemon/station/order_commands.hpp"
#include "daemon/station/station_context.hpp"

namespace wedge::station {

class Housekeeping {
 public:
  Housekeeping(StationContext& ctx, OrderCommands& commands, commands::CommandJournal& journal,
               std::string stations_db_path);

  // Replays the journal, purges, and arms the hourly purge and the eviction.
  void start();
  void stop();
  // Records that a command was applied (the replay at the next start skips it).
  void mark_handled(const std::string& command_id);

 private:
  void replay_journal();
  // Drops the applied-command marks the journal purge found stale, except those marked since.
  void forget_stale_marks(std::vector<std::string> ids);
  // Drops ids[from…] a chunk per turn of the loop.
  void forget_marks_from(std::shared_ptr<const std::vector<std::string>> ids, std::size_t from);
  [[nodiscard]] bool held_by_station(const std::string& order_id) const;
  void purge_final_orders();
  // Serials picked before serials.retention_days leave the registry (with the hourly purge).
  void prune_serials();
  void arm_eviction();
  void evict_final_orders();

  StationContext& ctx_;
  OrderCommands& commands_;
  commands::CommandJournal& journal_;  // commands.db's owner: the stations only post to it
  std::string stations_db_path_;       // <state_dir>/stations.db (the store's file)
  boost::asio::steady_timer purge_timer_;
  boost::asio::steady_timer evict_timer_;
  // One journal purge at a time (its result comes back to the loop).
  bool journal_purge_running_ = false;
  // Command ids marked applied while a purge looks for marks to drop: a command id reused after
  // its first command left the journal is applied and marked again, and that new mark must
  // survive the purge's list (forget_stale_marks).
  bool tracking_marks_ = false;
  std::unordered_set<std::string> marked_during_purge_;
};

}  // namespace wedge::station
