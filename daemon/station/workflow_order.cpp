#include "daemon/station/workflow_order.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

#include "daemon/station/parcel_json.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 4> kSteps = {"pick", "pack", "ship", "done"};
constexpr std::array<std::string_view, 8> kPhases = {"picking", "identify", "weigh",   "label",
                                                     "label_failed", "verify", "shipped", "fill"};
constexpr std::array<std::string_view, 5> kStatuses = {"active", "held", "cancelled", "shipped", "handed_over"};
constexpr std::array<std::string_view, 5> kLabelStates = {"none", "printing", "printed", "failed",
                                                          "verified"};

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text) return static_cast<E>(i);
  return std::nullopt;
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t num(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

}  // namespace

std::string_view to_string(Step step) noexcept { return kSteps[static_cast<std::size_t>(step)]; }
std::string_view to_string(Phase phase) noexcept { return kPhases[static_cast<std::size_t>(phase)]; }
std::string_view to_string(OrderStatus status) noexcept {
  return kStatuses[static_cast<std::size_t>(status)];
}
std::string_view to_string(LabelState state) noexcept {
  return kLabelStates[static_cast<std::size_t>(state)];
}
std::optional<Step> step_from(std::string_view text) noexcept { return lookup<Step>(kSteps, text); }
std::optional<Phase> phase_from(std::string_view text) noexcept {
  return lookup<Phase>(kPhases, text);
}
std::optional<OrderStatus> status_from(std::string_view text) noexcept {
  return lookup<OrderStatus>(kStatuses, text);
}

std::int64_t OrderRecord::units_picked() const {
  std::int64_t total = 0;
  for (const auto& line : pick.lines) total += line.picked;
  return total;
}

int OrderRecord::next_line() const {
  for (std::size_t i = 0; i < pick_list.lines.size(); ++i) {
    const auto picked = i < pick.lines.size() ? pick.lines[i].picked : 0;
    if (picked < pick_list.lines[i].qty && !short_lines.contains(static_cast<int>(i)))
      return static_cast<int>(i);
  }
  return -1;
}

bool OrderRecord::pick_finished() const { return next_line() < 0; }

std::vector<std::string> OrderRecord::return_locations() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < pick.lines.size() && i < pick_list.lines.size(); ++i) {
    const auto& loc = pick_list.lines[i].location;
    if (pick.lines[i].picked > 0 && !loc.empty() && !put_away.contains(loc) &&
        std::find(out.begin(), out.end(), loc) == out.end())
      out.push_back(loc);
  }
  return out;
}

std::string OrderRecord::intercept_step() const {
  if (status == OrderStatus::shipped || step == Step::done) return "shipped";
  if (status == OrderStatus::handed_over) return "handed_over";
  if (step == Step::pick && station.empty() && units_picked() == 0 && short_lines.empty())
    return "queued";
  return std::string(to_string(step));
}

std::string order_record_json(const OrderRecord& r) {
  // Saved after every accepted scan: one arena for the whole document instead of a heap
  // allocation per value (the serials alone are one string each), dropped in one piece.
  unsigned char arena[8192];
  json::monotonic_resource resource(arena, sizeof arena);
  const json::storage_ptr sp(&resource);
  json::object o(sp);
  o["order_id"] = r.order_id;
  o["rank"] = r.rank;
  o["command_station"] = r.command_station;
  o["target"] = r.target;
  o["pick_list"] = r.pick_list_json;
  auto& lines = o["picked"].emplace_array();
  for (const auto& line : r.pick.lines) {
    auto& l = lines.emplace_back(json::object(sp)).as_object();
    l["picked"] = line.picked;
    auto& serials = l["serials"].emplace_array();
    serials.reserve(line.serials.size());
    for (const auto& serial : line.serials) serials.emplace_back(serial);
    // Only when known: records of lines without lots stay as they were.
    if (!line.lots.empty()) {
      auto& lots = l["lots"].emplace_array();
      for (const auto& lot : line.lots) lots.emplace_back(lot);
    }
  }
  auto& shorts = o["short_lines"].emplace_array();
  for (int line : r.short_lines) shorts.emplace_back(line);
  o["step"] = to_string(r.step);
  o["phase"] = to_string(r.phase);
  o["status"] = to_string(r.status);
  o["station"] = r.station;
  o["hold_reason"] = r.hold_reason;
  o["cancel_reason"] = r.cancel_reason;
  o["location"] = r.location;
  if (r.measured_grams) o["measured_grams"] = *r.measured_grams;
  o["label"] = label_record_json(r.label, o.storage());
  auto& times = o["times"].emplace_object();
  for (const auto& [step, t] : r.times) {
    auto& st = times[step].emplace_object();
    st["started"] = t.started_unix_ms;
    st["finished"] = t.finished_unix_ms;
  }
  o["received"] = r.received_unix_ms;
  auto& at_risk = o["at_risk_reported"].emplace_array();
  for (const auto& step : r.at_risk_reported) at_risk.emplace_back(step);
  o["ended"] = r.ended_unix_ms;
  if (!r.put_away.empty()) {  // only a cancelled order being put away has any
    auto& put_away = o["put_away"].emplace_array();
    for (const auto& location : r.put_away) put_away.emplace_back(location);
  }
  write_parcels(o, r);
  auto& warned = o["at_risk_warned"].emplace_array();
  for (const auto& step : r.at_risk_warned) warned.emplace_back(step);
  o["ship_by_at_risk"] = r.ship_by_at_risk;
  return json::serialize(o);
}

std::optional<AtRisk> step_clock(const OrderRecord& order, const TimeLimits& station_limits,
                                 std::int64_t now_unix_ms) {
  if (order.final() || order.step == Step::done) return std::nullopt;
  auto finished = [&order](const char* step) -> std::int64_t {
    const auto it = order.times.find(step);
    return it == order.times.end() ? 0 : it->second.finished_unix_ms;
  };
  const auto& own = order.pick_list.time_limits;
  AtRisk risk;
  risk.step = order.step;
  switch (order.step) {
    case Step::pick:
      risk.since_unix_ms = order.received_unix_ms;
      risk.limit_s = own.pick_s.value_or(station_limits.pick_s);
      break;
    case Step::pack:
      risk.since_unix_ms = finished("pick");
      risk.limit_s = own.pack_s.value_or(station_limits.pack_s);
      break;
    case Step::ship:
      risk.since_unix_ms = finished("pack");
      risk.limit_s = own.ship_s.value_or(station_limits.ship_s);
      break;
    case Step::done:
      return std::nullopt;
  }
  // An order that entered pack or ship without the step before it at this gateway counts from
  // its arrival.
  if (risk.since_unix_ms == 0) risk.since_unix_ms = order.received_unix_ms;
  if (risk.since_unix_ms == 0) return std::nullopt;
  risk.elapsed_ms = now_unix_ms - risk.since_unix_ms;
  return risk;
}

std::optional<AtRisk> check_at_risk(const OrderRecord& order, const TimeLimits& station_limits,
                                   std::int64_t now_unix_ms) {
  auto risk = step_clock(order, station_limits, now_unix_ms);
  if (!risk || order.at_risk_reported.contains(std::string(to_string(order.step)))) return std::nullopt;
  if (risk->elapsed_ms <= risk->limit_s * 1000) return std::nullopt;
  return risk;
}

std::optional<AtRisk> check_step_warning(const OrderRecord& order, const TimeLimits& station_limits,
                                         std::int64_t warn_percent, std::int64_t now_unix_ms) {
  if (warn_percent <= 0) return std::nullopt;
  auto risk = step_clock(order, station_limits, now_unix_ms);
  if (!risk) return std::nullopt;
  const auto step = std::string(to_string(order.step));
  if (order.at_risk_reported.contains(step) || order.at_risk_warned.contains(step)) return std::nullopt;
  // Integer milliseconds: 80 % of a 1 s limit is 800 ms, exactly.
  if (risk->elapsed_ms <= risk->limit_s * 10 * warn_percent || risk->elapsed_ms > risk->limit_s * 1000)
    return std::nullopt;
  return risk;
}

core::Result<OrderRecord> order_record_from_json(std::string_view text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return core::fail(core::Errc::invalid_argument, "stored order is not a JSON object");
  const auto& o = value.as_object();
  OrderRecord r;
  r.order_id = str(o, "order_id");
  r.rank = num(o, "rank");
  r.command_station = str(o, "command_station");
  r.target = str(o, "target");
  r.pick_list_json = str(o, "pick_list");
  auto parsed = parse_pick_list_json(r.order_id, r.command_station, r.pick_list_json);
  if (!parsed)
    return core::fail(core::Errc::invalid_argument,
                      "stored pick list no longer validates: " +
                          (parsed.error().empty() ? std::string("?") : parsed.error().front().message));
  r.pick_list = std::move(*parsed);
  if (const auto* lines = o.if_contains("picked"); lines && lines->is_array()) {
    for (const auto& line : lines->as_array()) {
      LinePickState state;
      if (line.is_object()) {
        state.picked = num(line.as_object(), "picked");
        if (const auto* serials = line.as_object().if_contains("serials"); serials && serials->is_array())
          for (const auto& s : serials->as_array())
            if (s.is_string()) state.serials.insert(std::string(s.as_string()));
        if (const auto* lots = line.as_object().if_contains("lots"); lots && lots->is_array())
          for (const auto& s : lots->as_array())
            if (s.is_string()) state.lots.insert(std::string(s.as_string()));
      }
      r.pick.lines.push_back(std::move(state));
    }
  }
  r.pick.lines.resize(r.pick_list.lines.size());
  if (const auto* shorts = o.if_contains("short_lines"); shorts && shorts->is_array())
    for (const auto& s : shorts->as_array())
      if (s.is_int64()) r.short_lines.insert(static_cast<int>(s.as_int64()));
  auto step = step_from(str(o, "step"));
  auto phase = phase_from(str(o, "phase"));
  auto status = status_from(str(o, "status"));
  if (!step || !phase || !status)
    return core::fail(core::Errc::invalid_argument, "stored order has an unknown step, phase or status");
  r.step = *step;
  r.phase = *phase;
  r.status = *status;
  r.station = str(o, "station");
  r.hold_reason = str(o, "hold_reason");
  r.cancel_reason = str(o, "cancel_reason");
  r.location = str(o, "location");
  if (const auto* m = o.if_contains("measured_grams"); m && m->is_number())
    r.measured_grams = m->to_number<double>();
  if (const auto* l = o.if_contains("label"); l && l->is_object()) r.label = label_record_from(l->as_object());
  if (const auto* t = o.if_contains("times"); t && t->is_object())
    for (const auto& [key, entry] : t->as_object())
      if (entry.is_object())
        r.times[std::string(key)] = {num(entry.as_object(), "started"), num(entry.as_object(), "finished")};
  r.received_unix_ms = num(o, "received");
  r.ended_unix_ms = num(o, "ended");
  if (const auto* a = o.if_contains("at_risk_reported"); a && a->is_array())
    for (const auto& entry : a->as_array())
      if (entry.is_string()) r.at_risk_reported.insert(std::string(entry.as_string()));
  if (const auto* a = o.if_contains("put_away"); a && a->is_array())
    for (const auto& entry : a->as_array())
      if (entry.is_string()) r.put_away.insert(std::string(entry.as_string()));
  read_parcels(o, r);
  if (const auto* a = o.if_contains("at_risk_warned"); a && a->is_array())
    for (const auto& entry : a->as_array())
      if (entry.is_string()) r.at_risk_warned.insert(std::string(entry.as_string()));
  if (const auto* b = o.if_contains("ship_by_at_risk"); b && b->is_bool()) r.ship_by_at_risk = b->as_bool();
  return r;
}

}  // namespace wedge::station
