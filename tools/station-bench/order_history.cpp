#include "tools/station-bench/order_history.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "daemon/station/order_store.hpp"

namespace wedge::station_bench {

namespace {

// GS1 mod 10 over `body`: from the rightmost digit leftwards, weights 3, 1, 3, …
std::string with_check_digit(std::string body) {
  int sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) sum += (body[body.size() - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  body.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return body;
}

}  // namespace

std::string write_order_history(const std::string& state_dir, const std::vector<StationPlan>& plans,
                                std::size_t count) {
  if (count == 0 || plans.empty()) return {};
  try {
    std::filesystem::create_directories(state_dir);
    station::OrderStore store(state_dir + "/stations.db");
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::int64_t day = 23LL * 3600 * 1000;
    for (std::size_t i = 0; i < count; ++i) {
      const auto& plan = plans[i % plans.size()];
      station::OrderRecord r;
      r.order_id = fmt::format("HIST-{:07d}", i + 1);
      r.rank = -static_cast<std::int64_t>(count - i);  // older than every order of the run
      r.command_station = plan.station_id;
      r.target = plan.station_id;
      std::string lines;
      for (std::size_t l = 0; l < plan.gtins.size(); ++l)
        lines += fmt::format(
            R"({}{{"sku":"SKU-{:03d}-{}","gtins":["{}"],"qty":13,"location":"R{:02d}-{:02d}","unit_weight_grams":250}})",
            l ? "," : "", plan.index + 1, l + 1, plan.gtins[l], plan.index % 100, l + 1);
      r.pick_list_json = R"({"lines":[)" + lines + "]}";
      auto parsed = station::parse_pick_list_json(r.order_id, r.command_station, r.pick_list_json);
      if (!parsed) return "history pick list does not validate: " + parsed.error().front().message;
      r.pick_list = std::move(*parsed);
      r.pick.lines.resize(r.pick_list.lines.size());
      for (auto& line : r.pick.lines) line.picked = 13;
      r.step = station::Step::done;
      r.phase = station::Phase::shipped;
      r.status = station::OrderStatus::shipped;
      r.ended_unix_ms = now - day + static_cast<std::int64_t>(i) * day / static_cast<std::int64_t>(count);
      r.received_unix_ms = r.ended_unix_ms - 300'000;
      r.times["pick"] = {r.received_unix_ms, r.ended_unix_ms - 200'000};
      r.times["pack"] = {r.ended_unix_ms - 200'000, r.ended_unix_ms - 100'000};
      r.times["ship"] = {r.ended_unix_ms - 100'000, r.ended_unix_ms};
      r.label.state = station::LabelState::verified;
      r.label.sscc = with_check_digit(fmt::format("3{:07d}{:09d}", 4012345, i + 1));
      r.label.tracking = r.label.sscc;
      if (auto saved = store.save(r); !saved) return "stations.db: " + saved.reason();
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace wedge::station_bench
