// KpiTracker::save/restore (kpi.hpp): the tracker as JSON, for KpiStore (kpi.db).
//
// Layout (version 1), every map keyed by station ("" = the gateway-level bucket):
//   {"version":1, "saved_unix_ms":…, "window_start_unix_ms":…,
//    "windows":{id:{"open":F,"closed":[F…]}}, "totals":{id:F}, "sums":{id:{step:[count,seconds]}},
//    "histograms":{id:{"verdict":H,"steps":{step:H},"fulfilment":H}}, "trend":{id:[F…]}, "days":[F…]}
// F is every field of KpiFigures (durations as arrays of seconds); H is {"buckets":[…],"sum":s}.
// Every seconds value is written as a string in the shortest form that reads back to the same double
// (std::to_chars): Boost.JSON 1.81 parses numbers only to within an ulp or two, so a number would not
// survive a restart bit for bit and /metrics would show another histogram sum. Numbers are still read
// (files written before this change).
// The figures are raw, not the rounded report of to_json(): a restored quantile is the same one.
#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "daemon/kpi/kpi.hpp"

namespace wedge::station {

namespace json = boost::json;

namespace {

constexpr std::int64_t kStateVersion = 1;

json::object counts_state(const std::map<std::string, std::int64_t>& counts) {
  json::object out;
  for (const auto& [key, n] : counts) out[key] = n;
  return out;
}

json::value exact(double seconds) {
  char text[32];
  const auto [end, ec] = std::to_chars(std::begin(text), std::end(text), seconds);
  return json::string(text, end);
}

json::array seconds_state(const std::vector<double>& values) {
  json::array out;
  out.reserve(values.size());
  for (const double v : values) out.push_back(exact(v));
  return out;
}

json::object figures_state(const KpiFigures& f) {
  json::object steps;
  for (const auto& [step, values] : f.step_seconds) steps[step] = seconds_state(values);
  return json::object{{"start", f.start_unix_ms},
                      {"end", f.end_unix_ms},
                      {"scans", counts_state(f.scans)},
                      {"refused", counts_state(f.refused)},
                      {"units_picked", f.units_picked},
                      {"weighings", f.weighings},
                      {"weight_mismatches", f.weight_mismatches},
                      {"orders_completed", f.orders_completed},
                      {"cancellations", counts_state(f.cancellations)},
                      {"cancellations_requested", counts_state(f.cancellations_requested)},
                      {"at_risk", counts_state(f.at_risk)},
                      {"returns", counts_state(f.returns)},
                      {"step_seconds", std::move(steps)},
                      {"fulfilment_seconds", seconds_state(f.fulfilment_seconds)}};
}

json::object histogram_state(const core::Histogram& h) {
  json::array buckets;
  for (const auto n : h.buckets()) buckets.emplace_back(n);
  return json::object{{"buckets", std::move(buckets)}, {"sum", exact(h.sum_seconds())}};
}

// Reading: every accessor throws std::exception on a wrong type or a missing key; restore() turns
// that into one Status, so a damaged file is refused as a whole.
std::int64_t int_of(const json::value& v) { return v.to_number<std::int64_t>(); }

std::map<std::string, std::int64_t> counts_of(const json::value& v) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [key, n] : v.as_object()) out[std::string(key)] = int_of(n);
  return out;
}

double seconds_of_value(const json::value& v) {
  if (!v.is_string()) return v.to_number<double>();
  const auto& text = v.get_string();
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size()) throw std::runtime_error("seconds that are not a number");
  return seconds;
}

std::vector<double> seconds_of(const json::value& v) {
  std::vector<double> out;
  for (const auto& s : v.as_array()) out.push_back(seconds_of_value(s));
  return out;
}

KpiFigures figures_of(const json::value& v) {
  const auto& o = v.as_object();
  KpiFigures f;
  f.start_unix_ms = int_of(o.at("start"));
  f.end_unix_ms = int_of(o.at("end"));
  f.scans = counts_of(o.at("scans"));
  f.refused = counts_of(o.at("refused"));
  f.units_picked = int_of(o.at("units_picked"));
  f.weighings = int_of(o.at("weighings"));
  f.weight_mismatches = int_of(o.at("weight_mismatches"));
  f.orders_completed = int_of(o.at("orders_completed"));
  f.cancellations = counts_of(o.at("cancellations"));
  f.cancellations_requested = counts_of(o.at("cancellations_requested"));
  f.at_risk = counts_of(o.at("at_risk"));
  // Absent in states saved before returns were counted.
  if (const auto* returns = o.if_contains("returns")) f.returns = counts_of(*returns);
  for (const auto& [step, values] : o.at("step_seconds").as_object()) f.step_seconds[std::string(step)] = seconds_of(values);
  f.fulfilment_seconds = seconds_of(o.at("fulfilment_seconds"));
  return f;
}

// Adds a saved histogram's observations to `into` (the bounds are the daemon's own constants, so
// a different bucket count means a file from another version: refused).
void add_histogram(core::Histogram& into, const json::value& v) {
  const auto& o = v.as_object();
  std::vector<std::uint64_t> buckets;
  for (const auto& n : o.at("buckets").as_array()) buckets.push_back(n.to_number<std::uint64_t>());
  if (buckets.size() != into.buckets().size()) throw std::runtime_error("histogram with other bounds");
  for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += into.buckets()[i];
  if (!into.restore(buckets, into.sum_seconds() + seconds_of_value(o.at("sum"))))
    throw std::runtime_error("histogram with a negative sum");
}

}  // namespace

json::object KpiTracker::save(std::int64_t now_unix_ms) const {
  json::object windows;
  for (const auto& [id, w] : windows_) {
    json::array closed;
    for (const auto& f : w.closed) closed.push_back(figures_state(f));
    windows[id] = json::object{{"open", figures_state(w.open)}, {"closed", std::move(closed)}};
  }
  json::object totals;
  for (const auto& [id, f] : totals_) totals[id] = figures_state(f);
  json::object sums;
  for (const auto& [id, steps] : sums_) {
    json::object per_step;
    for (const auto& [step, sum] : steps) per_step[step] = json::array{sum.count, exact(sum.seconds)};
    sums[id] = std::move(per_step);
  }
  json::object histograms;
  for (const auto& [id, h] : histograms_) {
    json::object steps;
    for (const auto& [step, hist] : h.steps) steps[step] = histogram_state(hist);
    histograms[id] = json::object{{"verdict", histogram_state(h.verdict)},
                                  {"steps", std::move(steps)},
                                  {"fulfilment", histogram_state(h.fulfilment)}};
  }
  json::array days;
  for (const auto& [midnight, f] : days_) {
    auto day = figures_state(f);
    day["start"] = midnight;  // the key: a day's figures start at its first window, not at midnight
    days.push_back(std::move(day));
  }
  json::object trend;
  for (const auto& [id, buckets] : trend_) {
    json::array list;
    for (const auto& [start, f] : buckets) list.push_back(figures_state(f));
    trend[id] = std::move(list);
  }
  return json::object{{"version", kStateVersion},          {"saved_unix_ms", now_unix_ms},
                      {"window_start_unix_ms", window_start_}, {"windows", std::move(windows)},
                      {"totals", std::move(totals)},         {"sums", std::move(sums)},
                      {"histograms", std::move(histograms)}, {"trend", std::move(trend)},
                      {"days", std::move(days)}};
}

core::Status KpiTracker::restore(const json::value& saved, std::int64_t now_unix_ms, std::int64_t interval_ms) {
  if (interval_ms <= 0) return core::fail(core::Errc::invalid_argument, "KPI interval must be positive");
  // Built on a copy and swapped in at the end: a damaged state changes nothing.
  KpiTracker next = *this;
  try {
    const auto& o = saved.as_object();
    if (int_of(o.at("version")) != kStateVersion)
      return core::fail(core::Errc::invalid_argument,
                        "saved KPI state has version " + json::serialize(o.at("version")) + ", this wedge reads 1");
    const auto saved_at = int_of(o.at("saved_unix_ms"));
    const auto current_window = now_unix_ms / interval_ms * interval_ms;
    const auto kept_since = now_unix_ms - static_cast<std::int64_t>(windows_kept_) * interval_ms;
    for (const auto& [key, value] : o.at("windows").as_object()) {
      const std::string id(key);
      auto& w = next.at(id);
      for (const auto& f : value.at("closed").as_array()) w.closed.push_back(figures_of(f));
      KpiFigures open = figures_of(value.at("open"));
      if (open.start_unix_ms >= current_window) {
        // Restarted within the window: it goes on, and its report covers the whole of it.
        open.merge(w.open);
        open.start_unix_ms = std::min(open.start_unix_ms, w.open.start_unix_ms);
        w.open = std::move(open);
      } else {
        open.end_unix_ms = std::max(saved_at, open.start_unix_ms);
        next.fold_into_trend(id, open);
        w.closed.push_back(std::move(open));
      }
      std::erase_if(w.closed, [&](const KpiFigures& f) { return f.end_unix_ms <= kept_since; });
      std::sort(w.closed.begin(), w.closed.end(),
                [](const KpiFigures& a, const KpiFigures& b) { return a.start_unix_ms < b.start_unix_ms; });
      while (w.closed.size() > windows_kept_) w.closed.pop_front();
    }
    for (const auto& [key, value] : o.at("totals").as_object()) {
      const std::string id(key);
      KpiFigures saved_total = figures_of(value);
      auto& total = next.total(id);
      const auto start = saved_total.start_unix_ms;
      total.merge(saved_total);
      total.start_unix_ms = start;  // the totals run since the first start, across restarts
    }
    for (const auto& [key, value] : o.at("sums").as_object())
      for (const auto& [step, pair] : value.as_object()) {
        auto& sum = next.sums_[std::string(key)][std::string(step)];
        sum.count += int_of(pair.as_array().at(0));
        sum.seconds += seconds_of_value(pair.as_array().at(1));
      }
    for (const auto& [key, value] : o.at("histograms").as_object()) {
      auto& h = next.histograms_[std::string(key)];
      add_histogram(h.verdict, value.at("verdict"));
      add_histogram(h.fulfilment, value.at("fulfilment"));
      for (const auto& [step, hist] : value.at("steps").as_object())
        add_histogram(h.steps.try_emplace(std::string(step), core::kStepBoundsSeconds).first->second, hist);
    }
    for (const auto& [key, value] : o.at("trend").as_object())
      for (const auto& f : value.as_array()) {
        KpiFigures bucket = figures_of(f);
        auto& into = next.trend_[std::string(key)][bucket.start_unix_ms];
        const auto start = bucket.start_unix_ms;
        const auto end = std::max(into.end_unix_ms, bucket.end_unix_ms);
        into.merge(bucket);
        into.start_unix_ms = start;
        into.end_unix_ms = end;
      }
    for (const auto& f : o.at("days").as_array()) {
      KpiFigures day = figures_of(f);
      const auto start = day.start_unix_ms;
      next.days_[start].merge(day);
      next.days_[start].start_unix_ms = start;
    }
  } catch (const std::exception& e) {
    return core::fail(core::Errc::invalid_argument, std::string("saved KPI state is damaged: ") + e.what());
  }
  next.prune_trend(now_unix_ms);
  ++next.revision_;
  *this = std::move(next);
  return {};
}

}  // namespace wedge::station
