#include "daemon/kpi/kpi.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "daemon/core/rfc3339.hpp"

namespace wedge::station {

namespace json = boost::json;

std::optional<double> nearest_rank(std::vector<double> values, double q) {
  if (values.empty() || !(q > 0.0) || q > 1.0) return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

namespace {

template <typename Map>
void add_counts(Map& into, const Map& from) {
  for (const auto& [key, count] : from) into[key] += count;
}

json::object counts_json(const std::map<std::string, std::int64_t>& counts) {
  json::object out;
  for (const auto& [key, count] : counts) out[key] = count;
  return out;
}

json::value optional_json(const std::optional<double>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

// Seconds rounded to milliseconds: the report is for people and dashboards, not for re-summing.
std::optional<double> rounded(std::optional<double> seconds) {
  if (!seconds) return seconds;
  return std::round(*seconds * 1000.0) / 1000.0;
}

json::object durations_json(const std::vector<double>& seconds) {
  return json::object{{"count", static_cast<std::int64_t>(seconds.size())},
                      {"median", optional_json(rounded(nearest_rank(seconds, 0.5)))},
                      {"p90", optional_json(rounded(nearest_rank(seconds, 0.9)))}};
}

}  // namespace

std::int64_t KpiFigures::scan_count() const {
  std::int64_t n = 0;
  for (const auto& [verdict, count] : scans) n += count;
  return n;
}

std::int64_t KpiFigures::refused_count() const {
  const auto it = scans.find("refused");
  return it == scans.end() ? 0 : it->second;
}

std::optional<double> KpiFigures::refused_rate() const {
  const auto n = scan_count();
  if (n == 0) return std::nullopt;
  return static_cast<double>(refused_count()) / static_cast<double>(n);
}

std::optional<double> KpiFigures::mismatch_rate() const {
  if (weighings == 0) return std::nullopt;
  return static_cast<double>(weight_mismatches) / static_cast<double>(weighings);
}

std::optional<double> KpiFigures::picks_per_hour() const {
  const auto ms = end_unix_ms - start_unix_ms;
  if (ms <= 0) return std::nullopt;
  return static_cast<double>(units_picked) * 3'600'000.0 / static_cast<double>(ms);
}

void KpiFigures::merge(const KpiFigures& other) {
  if (start_unix_ms == 0 || (other.start_unix_ms != 0 && other.start_unix_ms < start_unix_ms))
    start_unix_ms = other.start_unix_ms;
  end_unix_ms = std::max(end_unix_ms, other.end_unix_ms);
  add_counts(scans, other.scans);
  add_counts(refused, other.refused);
  units_picked += other.units_picked;
  weighings += other.weighings;
  weight_mismatches += other.weight_mismatches;
  orders_completed += other.orders_completed;
  add_counts(cancellations, other.cancellations);
  add_counts(cancellations_requested, other.cancellations_requested);
  add_counts(at_risk, other.at_risk);
  add_counts(returns, other.returns);
  for (const auto& [step, values] : other.step_seconds) {
    auto& into = step_seconds[step];
    into.insert(into.end(), values.begin(), values.end());
  }
  fulfilment_seconds.insert(fulfilment_seconds.end(), other.fulfilment_seconds.begin(),
                            other.fulfilment_seconds.end());
}

json::object KpiFigures::to_json() const {
  json::object scans_json{{"total", scan_count()}};
  for (const char* verdict : {"accepted", "refused", "attention"}) {
    const auto it = scans.find(verdict);
    scans_json[verdict] = it == scans.end() ? 0 : it->second;
  }
  json::object durations;
  for (const char* step : {"pick", "pack", "ship"}) {
    const auto it = step_seconds.find(step);
    durations[step] = durations_json(it == step_seconds.end() ? std::vector<double>{} : it->second);
  }
  const auto pph = picks_per_hour();
  return json::object{
      {"window_start", core::format_rfc3339_ms(start_unix_ms)},
      {"window_end", core::format_rfc3339_ms(end_unix_ms)},
      {"interval_s", static_cast<double>(end_unix_ms - start_unix_ms) / 1000.0},
      {"orders_completed", orders_completed},
      {"units_picked", units_picked},
      {"picks_per_hour", pph ? json::value(std::round(*pph * 10.0) / 10.0) : json::value(nullptr)},
      {"scans", std::move(scans_json)},
      {"refused_scan_rate", optional_json(refused_rate())},
      {"refused_by_reason", counts_json(refused)},
      {"weighings", weighings},
      {"weight_mismatches", weight_mismatches},
      {"cancellations_intercepted", counts_json(cancellations)},
      {"cancellations_requested", counts_json(cancellations_requested)},
      {"orders_at_risk", counts_json(at_risk)},
      {"returns_by_grade", counts_json(returns)},
      {"durations_s", std::move(durations)},
      {"fulfilment_s", durations_json(fulfilment_seconds)}};
}

KpiTracker::KpiTracker(std::size_t windows_kept, std::int64_t start_unix_ms)
    : windows_kept_(windows_kept), window_start_(start_unix_ms) {}

void KpiTracker::add_station(const std::string& station) {
  at(station);
  total(station);
}

void KpiTracker::remove_station(const std::string& station, std::int64_t now_unix_ms) {
  if (station.empty()) return;
  if (const auto it = windows_.find(station); it != windows_.end()) {
    KpiFigures open = it->second.open;
    open.end_unix_ms = std::max(open.start_unix_ms, now_unix_ms);
    fold_into_trend(station, open);
    windows_.erase(it);
  }
  totals_.erase(station);
  sums_.erase(station);
  histograms_.erase(station);
  ++revision_;
}

std::vector<std::string> KpiTracker::stations() const {
  std::vector<std::string> out;
  for (const auto& [id, w] : windows_) out.push_back(id);
  return out;
}

KpiTracker::StationWindows& KpiTracker::at(const std::string& station) {
  auto [it, inserted] = windows_.try_emplace(station);
  if (inserted) it->second.open.start_unix_ms = window_start_;
  return it->second;
}

KpiFigures& KpiTracker::total(const std::string& station) {
  auto [it, inserted] = totals_.try_emplace(station);
  if (inserted) it->second.start_unix_ms = window_start_;
  return it->second;
}

void KpiTracker::scan(const std::string& station, std::string_view verdict, std::string_view reason) {
  ++revision_;
  for (auto* f : {&at(station).open, &total(station)}) {
    ++f->scans[std::string(verdict)];
    if (verdict == "refused") ++f->refused[std::string(reason)];
  }
}

void KpiTracker::picked(const std::string& station, std::int64_t units) {
  ++revision_;
  at(station).open.units_picked += units;
  total(station).units_picked += units;
}

void KpiTracker::weighed(const std::string& station, bool mismatch) {
  ++revision_;
  for (auto* f : {&at(station).open, &total(station)}) {
    ++f->weighings;
    if (mismatch) ++f->weight_mismatches;
  }
}

void KpiTracker::step_done(const std::string& station, std::string_view step, std::int64_t duration_ms) {
  ++revision_;
  const double seconds = static_cast<double>(std::max<std::int64_t>(duration_ms, 0)) / 1000.0;
  at(station).open.step_seconds[std::string(step)].push_back(seconds);
  total(station);
  auto& sum = sums_[station][std::string(step)];
  ++sum.count;
  sum.seconds += seconds;
  histograms_[station].steps.try_emplace(std::string(step), core::kStepBoundsSeconds).first->second.observe(seconds);
}

void KpiTracker::order_completed(const std::string& station) {
  ++revision_;
  ++at(station).open.orders_completed;
  ++total(station).orders_completed;
}

void KpiTracker::fulfilled(const std::string& station, std::int64_t duration_ms) {
  ++revision_;
  const double seconds = static_cast<double>(std::max<std::int64_t>(duration_ms, 0)) / 1000.0;
  at(station).open.fulfilment_seconds.push_back(seconds);
  total(station);
  auto& sum = sums_[station]["fulfilment"];
  ++sum.count;
  sum.seconds += seconds;
  histograms_[station].fulfilment.observe(seconds);
}

void KpiTracker::verdict_latency(const std::string& station, double seconds) {
  ++revision_;
  histograms_[station].verdict.observe(seconds);
}

void KpiTracker::cancellation_intercepted(const std::string& station, std::string_view step) {
  ++revision_;
  ++at(station).open.cancellations[std::string(step)];
  ++total(station).cancellations[std::string(step)];
}

void KpiTracker::cancellation_requested(const std::string& station, std::string_view step) {
  ++revision_;
  ++at(station).open.cancellations_requested[std::string(step)];
  ++total(station).cancellations_requested[std::string(step)];
}

void KpiTracker::returned(const std::string& station, std::string_view grade) {
  ++revision_;
  ++at(station).open.returns[std::string(grade)];
  ++total(station).returns[std::string(grade)];
}

void KpiTracker::at_risk(const std::string& station, std::string_view step) {
  ++revision_;
  ++at(station).open.at_risk[std::string(step)];
  ++total(station).at_risk[std::string(step)];
}

std::map<std::string, KpiFigures> KpiTracker::close_window(std::int64_t end_unix_ms) {
  std::map<std::string, KpiFigures> reports;
  ++revision_;
  for (auto& [station, w] : windows_) {
    w.open.end_unix_ms = end_unix_ms;
    reports.emplace(station, w.open);
    fold_into_trend(station, w.open);
    w.closed.push_back(std::move(w.open));
    while (w.closed.size() > windows_kept_) w.closed.pop_front();
    w.open = KpiFigures{};
    w.open.start_unix_ms = end_unix_ms;
  }
  window_start_ = end_unix_ms;
  prune_trend(end_unix_ms);
  return reports;
}

namespace {

// Local midnight of the day `unix_ms` falls in (the gateway's TZ; a day of a DST change is 23 or 25 h).
std::int64_t local_midnight(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  local.tm_hour = local.tm_min = local.tm_sec = 0;
  local.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&local)) * 1000;
}

KpiFigures counts_only(const KpiFigures& f) {
  KpiFigures out = f;
  out.step_seconds.clear();
  out.fulfilment_seconds.clear();
  return out;
}

}  // namespace

std::vector<KpiFigures> KpiTracker::days(std::int64_t now_unix_ms) const {
  std::map<std::int64_t, KpiFigures> by_day = days_;
  for (const auto& [id, w] : windows_) by_day[local_midnight(w.open.start_unix_ms)].merge(counts_only(w.open));
  std::vector<KpiFigures> out;
  std::int64_t end = now_unix_ms;
  for (auto day_start = local_midnight(now_unix_ms); out.size() < kDaysKept; day_start = local_midnight(day_start - 1)) {
    const auto it = by_day.find(day_start);
    KpiFigures day = it == by_day.end() ? KpiFigures{} : it->second;
    day.start_unix_ms = day_start;
    day.end_unix_ms = end;
    out.push_back(std::move(day));
    end = day_start;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void KpiTracker::fold_into_trend(const std::string& station, const KpiFigures& window) {
  days_[local_midnight(window.start_unix_ms)].merge(counts_only(window));
  KpiFigures part = window;
  part.step_seconds.clear();
  const auto bucket = window.start_unix_ms / kTrendBucketMs * kTrendBucketMs;
  auto [it, inserted] = trend_[station].try_emplace(bucket);
  if (inserted) it->second.start_unix_ms = bucket;
  it->second.merge(part);
  it->second.start_unix_ms = bucket;
  it->second.end_unix_ms = std::max(it->second.end_unix_ms, window.end_unix_ms);
}

void KpiTracker::prune_trend(std::int64_t now_unix_ms) {
  const auto oldest = (now_unix_ms / kTrendBucketMs - static_cast<std::int64_t>(kTrendBuckets) + 1) * kTrendBucketMs;
  for (auto& [station, buckets] : trend_) buckets.erase(buckets.begin(), buckets.lower_bound(oldest));
  while (days_.size() > kDaysKept) days_.erase(days_.begin());
}

std::vector<KpiFigures> KpiTracker::trend(const std::string& station, std::int64_t now_unix_ms) const {
  const auto last = now_unix_ms / kTrendBucketMs * kTrendBucketMs;
  const auto first = last - static_cast<std::int64_t>(kTrendBuckets - 1) * kTrendBucketMs;
  std::vector<KpiFigures> out(kTrendBuckets);
  for (std::size_t i = 0; i < kTrendBuckets; ++i) {
    out[i].start_unix_ms = first + static_cast<std::int64_t>(i) * kTrendBucketMs;
    out[i].end_unix_ms = std::min(out[i].start_unix_ms + kTrendBucketMs, std::max(now_unix_ms, out[i].start_unix_ms));
  }
  const auto add = [&](std::int64_t start, const KpiFigures& figures) {
    if (start < first || start > last) return;
    auto& into = out[static_cast<std::size_t>((start - first) / kTrendBucketMs)];
    const auto keep_start = into.start_unix_ms, keep_end = into.end_unix_ms;
    into.merge(figures);
    into.start_unix_ms = keep_start;
    into.end_unix_ms = keep_end;
  };
  for (const auto& [id, buckets] : trend_) {
    if (!station.empty() && id != station) continue;
    for (const auto& [start, figures] : buckets) add(start, figures);
  }
  for (const auto& [id, w] : windows_) {
    if (!station.empty() && id != station) continue;
    KpiFigures open = w.open;
    open.step_seconds.clear();
    add(open.start_unix_ms / kTrendBucketMs * kTrendBucketMs, open);
  }
  return out;
}

KpiFigures KpiTracker::recent(const std::string& station, std::int64_t now_unix_ms) const {
  KpiFigures out;
  for (const auto& [id, w] : windows_) {
    if (!station.empty() && id != station) continue;
    for (const auto& closed : w.closed) out.merge(closed);
    KpiFigures open = w.open;
    open.end_unix_ms = std::max(now_unix_ms, open.start_unix_ms);
    out.merge(open);
  }
  return out;
}

}  // namespace wedge::station
