// Station KPIs: what each station did, per reporting window (one minute by default), kept for the
// last `windows_kept` windows (one hour by default), plus running totals since start.
//
// The stations feed facts in as they happen — a scan's verdict, units picked, a weighing, a step
// finished with its duration, an order completed, a cancellation intercepted, an order at risk —
// and KpiTracker turns them into:
//   - close_window(): the per-station report of the window that just ended (the `station.kpi`
//     telemetry event, docs/workflows.md "KPIs"), then a new window starts;
//   - recent(): the same figures over the kept windows plus the open one (the "last hour" the
//     overview and /metrics summaries show);
//   - totals(): counters since the daemon started (Prometheus counters in /metrics).
//   - trend(): the last 8 hours in 10-minute buckets (the overview's charts);
//   - save()/restore(): everything above as JSON, so that a restart loses no figure (KpiStore
//     keeps it in kpi.db; kpi_state.cpp).
// Quantiles use the nearest-rank method over the durations of the period; a period without any
// value has no quantile (null in JSON), never 0.
//
// Facts for a station not declared with add_station() are kept under that name all the same (the
// gateway-level "" station collects cancellations of orders no station had taken yet).
//
// Value type without I/O or clocks: the caller passes the times. Loop thread only (not locked).
#pragma once

#include <boost/json/object.hpp>

#include "daemon/core/histogram.hpp"
#include "daemon/core/result.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::station {

// Nearest-rank quantile (0 < q ≤ 1) of `values`; empty when there are none. Sorts a copy.
[[nodiscard]] std::optional<double> nearest_rank(std::vector<double> values, double q);

// The figures of one period (a window, the recent windows merged, or the totals).
struct KpiFigures {
  std::int64_t start_unix_ms = 0;  // start of the period's first window
  std::int64_t end_unix_ms = 0;    // end of the period (or "now" for an open one)
  std::map<std::string, std::int64_t> scans;          // by verdict: accepted, refused, attention
  std::map<std::string, std::int64_t> refused;        // refused scans by reason code
  std::int64_t units_picked = 0;
  std::int64_t weighings = 0;
  std::int64_t weight_mismatches = 0;
  std::int64_t orders_completed = 0;
  std::map<std::string, std::int64_t> cancellations;  // cancellations intercepted, by step
  // Cancellations the OMS asked for, by where they found the order: the intercepted ones by step,
  // and "shipped" for those that came too late.
  std::map<std::string, std::int64_t> cancellations_requested;
  std::map<std::string, std::int64_t> at_risk;        // order.at_risk events, by step
  std::map<std::string, std::int64_t> returns;        // returned units graded, by grade
  std::map<std::string, std::vector<double>> step_seconds;  // pick / pack / ship durations
  std::vector<double> fulfilment_seconds;                   // order received → shipped

  [[nodiscard]] std::int64_t scan_count() const;
  [[nodiscard]] std::int64_t refused_count() const;
  // refused / scans; empty without scans.
  [[nodiscard]] std::optional<double> refused_rate() const;
  // mismatches / weighings; empty without weighings.
  [[nodiscard]] std::optional<double> mismatch_rate() const;
  // Units per hour over the period; empty when the period has no length.
  [[nodiscard]] std::optional<double> picks_per_hour() const;
  void merge(const KpiFigures& other);
  // The report JSON (the `data` of a station.kpi event; docs/workflows.md lists the fields).
  [[nodiscard]] boost::json::object to_json() const;
};

class KpiTracker {
 public:
  // `windows_kept` closed windows make up recent(); the first window opens at `start_unix_ms`.
  KpiTracker(std::size_t windows_kept, std::int64_t start_unix_ms);

  void add_station(const std::string& station);
  // A station the configuration no longer has (a reload removed it, or kpi.db holds one from an
  // earlier configuration): its windows, totals, sums and histograms go, so that /metrics and the
  // status show only stations that exist. What it did stays in the gateway-wide trend and the days
  // (its open window, ending at `now_unix_ms`, is folded in first). Not for "" (the gateway-level
  // bucket).
  void remove_station(const std::string& station, std::int64_t now_unix_ms);
  // Stations declared or seen so far, sorted.
  [[nodiscard]] std::vector<std::string> stations() const;

  // --- facts ---
  void scan(const std::string& station, std::string_view verdict, std::string_view reason);
  void picked(const std::string& station, std::int64_t units);
  void weighed(const std::string& station, bool mismatch);
  void step_done(const std::string& station, std::string_view step, std::int64_t duration_ms);
  void order_completed(const std::string& station);
  void fulfilled(const std::string& station, std::int64_t duration_ms);
  void cancellation_intercepted(const std::string& station, std::string_view step);
  // A cancellation asked for that found the order at `step` ("shipped": too late). An intercepted
  // one is reported with both calls.
  void cancellation_requested(const std::string& station, std::string_view step);
  void at_risk(const std::string& station, std::string_view step);
  // One returned unit graded `grade` (return.item_graded).
  void returned(const std::string& station, std::string_view grade);
  // Scan received (from the scanner, or the HTTP inject) → its verdict shown, in seconds.
  void verdict_latency(const std::string& station, double seconds);

  // Ends the open window of every station at `end_unix_ms` and returns each one's figures (every
  // declared station, also when nothing happened); a new window opens at `end_unix_ms`.
  std::map<std::string, KpiFigures> close_window(std::int64_t end_unix_ms);

  // Kept windows plus the open one, up to `now_unix_ms`; `station` empty = every station merged.
  [[nodiscard]] KpiFigures recent(const std::string& station, std::int64_t now_unix_ms) const;
  // The trend: closed windows folded into buckets of kTrendBucketMs aligned to the epoch, the open
  // window included, covering the kTrendBuckets buckets up to `now_unix_ms` (oldest first; a bucket
  // without activity has zero counts). Step durations are not kept in the trend (memory: a busy
  // site would hold every step of 8 hours); fulfilment durations are. `station` empty = all merged.
  static constexpr std::int64_t kTrendBucketMs = 10 * 60 * 1000;
  static constexpr std::size_t kTrendBuckets = 48;
  [[nodiscard]] std::vector<KpiFigures> trend(const std::string& station, std::int64_t now_unix_ms) const;

  // The days: every station merged, per local calendar day (the gateway's time zone), counts only
  // (no durations), the open windows included; always kDaysKept days, today last (ending at
  // `now_unix_ms`), oldest first, each starting at its local midnight; a quiet day has zero counts.
  static constexpr std::size_t kDaysKept = 8;
  [[nodiscard]] std::vector<KpiFigures> days(std::int64_t now_unix_ms) const;

  // Grows with every fact and closed window: a saver compares it with the one it last saved.
  [[nodiscard]] std::uint64_t revision() const { return revision_; }

  // Everything the tracker holds (windows, totals, sums, histograms, trend) as JSON (kpi_state.cpp).
  [[nodiscard]] boost::json::object save(std::int64_t now_unix_ms) const;
  // Adds a saved state to this tracker, at start before any fact. The saved open window stays open
  // when it belongs to the window of `now_unix_ms` (windows of `interval_ms`, aligned to the epoch);
  // otherwise it is kept as closed, ending when it was saved. Windows and trend buckets too old for
  // the kept span are dropped. An unknown version or a malformed state changes nothing.
  [[nodiscard]] core::Status restore(const boost::json::value& saved, std::int64_t now_unix_ms,
                                     std::int64_t interval_ms);

  // Running totals since start (durations not kept: see duration_sums()).
  [[nodiscard]] const std::map<std::string, KpiFigures>& totals() const { return totals_; }
  // Count and sum (seconds) of every duration since start, per station and step ("fulfilment"
  // for received → shipped): the _count and _sum of the Prometheus summaries.
  struct Sum {
    std::int64_t count = 0;
    double seconds = 0;
  };
  [[nodiscard]] const std::map<std::string, std::map<std::string, Sum>>& duration_sums() const { return sums_; }
  // Since start, per station: the Prometheus histograms (daemon/core/histogram.hpp for the bounds).
  struct Histograms {
    core::Histogram verdict{core::kLatencyBoundsSeconds};
    std::map<std::string, core::Histogram> steps;  // pick / pack / ship, kStepBoundsSeconds
    core::Histogram fulfilment{core::kFulfilmentBoundsSeconds};
  };
  [[nodiscard]] const std::map<std::string, Histograms>& histograms() const { return histograms_; }

 private:
  struct StationWindows {
    KpiFigures open;
    std::deque<KpiFigures> closed;
  };
  StationWindows& at(const std::string& station);
  KpiFigures& total(const std::string& station);

  std::size_t windows_kept_;
  std::int64_t window_start_;
  std::map<std::string, StationWindows> windows_;
  std::map<std::string, KpiFigures> totals_;
  std::map<std::string, std::map<std::string, Sum>> sums_;
  std::map<std::string, Histograms> histograms_;
  std::map<std::string, std::map<std::int64_t, KpiFigures>> trend_;  // station → bucket start → figures
  std::map<std::int64_t, KpiFigures> days_;  // local midnight → the day's closed windows, all stations
  std::uint64_t revision_ = 0;

  void fold_into_trend(const std::string& station, const KpiFigures& window);
  void prune_trend(std::int64_t now_unix_ms);
};

}  // namespace wedge::station
