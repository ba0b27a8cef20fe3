#include "tools/fleet-bench/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace wedge::fleet_bench {

namespace {

template <typename Field>
std::int64_t sum_of(const std::vector<GatewayFigures>& gateways, Field field) {
  return std::accumulate(gateways.begin(), gateways.end(), std::int64_t{0},
                         [&](std::int64_t total, const GatewayFigures& g) { return total + field(g); });
}

std::string verdict(bool ok) { return ok ? "PASS" : "MISS"; }

std::string mb(std::optional<std::int64_t> kb) { return kb ? fmt::format("{:.1f}", static_cast<double>(*kb) / 1024.0) : "?"; }

double mean_gateway_cpu(const PointFigures& p) {
  double sum = 0;
  for (const auto& g : p.per_gateway) sum += g.cpu_percent;
  return p.per_gateway.empty() ? 0 : sum / static_cast<double>(p.per_gateway.size());
}

std::int64_t max_gateway_hwm_kb(const PointFigures& p) {
  std::int64_t max = 0;
  for (const auto& g : p.per_gateway) max = std::max(max, g.vm_hwm_kb.value_or(0));
  return max;
}

// One format for the header and the rows: the columns line up.
constexpr const char* kColumns = "{:<9} {:>3} {:>8} {:>9} {:>8} {:>8} {:>10} {:>9} {:<4} {:>6} {:>5} {:>5} {:<4} {:>11} {:>7} "
                                 "{:>11} {:<4} {:>11} {:>10}  {}";

std::string table_header() {
  return fmt::format(kColumns, "broker", "N", "scans/s", "events/s", "p50 ms", "p99 ms", "fsync p99", "p99 limit", "",
                     "lost", "dup", "gaps", "", "gw CPU% avg", "max", "RSS MB max", "", "broker CPU%", "bench CPU%", "load");
}

std::string table_row(const PointFigures& p) {
  double cpu_max = 0;
  std::optional<std::int64_t> hwm_max;
  for (const auto& g : p.per_gateway) {
    cpu_max = std::max(cpu_max, g.cpu_percent);
    if (g.vm_hwm_kb) hwm_max = std::max(hwm_max.value_or(0), *g.vm_hwm_kb);
  }
  const bool probed = p.fsync && p.fsync->syncs.count() > 0;
  const auto limit = p.latency_limit_ms();
  return fmt::format(kColumns, to_string(p.broker), fmt::format("{}{}", p.gateways, p.node_killed ? "k" : ""),
                     fmt::format("{:.1f}", p.scans_per_s), fmt::format("{:.1f}", p.events_per_s),
                     fmt::format("{:.2f}", p.latency.percentile_ms(50)), fmt::format("{:.2f}", p.latency.percentile_ms(99)),
                     probed ? fmt::format("{:.2f}", p.fsync->syncs.percentile_ms(99)) : "?",
                     limit ? fmt::format("{:.1f}", *limit) : "n/a", limit ? verdict(*p.latency_ok()) : "", p.lost(),
                     p.duplicates(), p.seq_gaps(), verdict(p.lost_ok()), fmt::format("{:.1f}", mean_gateway_cpu(p)),
                     fmt::format("{:.1f}", cpu_max), mb(hwm_max), verdict(p.rss_ok()),
                     fmt::format("{:.1f}", p.broker_cpu_percent), fmt::format("{:.1f}", p.bench_cpu_percent), p.load);
}

// What a site of kSiteStations stations would need on `broker`, extrapolated linearly from the
// run's points without a killed node: per gateway, the largest N's mean CPU and peak RSS; for the
// broker, a fixed part and a part per event, from the line through the smallest and the largest N.
void print_sizing(const std::vector<PointFigures>& points, BrokerKind broker) {
  constexpr int kSiteStations = 2000;
  const PointFigures* lo = nullptr;
  const PointFigures* hi = nullptr;
  for (const auto& p : points) {
    if (p.broker != broker || p.node_killed || p.scans_per_s <= 0) continue;
    if (!lo || p.gateways < lo->gateways) lo = &p;
    if (!hi || p.gateways > hi->gateways) hi = &p;
  }
  if (!hi) return;
  const double gw_cpu = mean_gateway_cpu(*hi);  // % of a core
  // Costs per event are per event the gateways made and the broker took in: one per scan (those
  // rows lose none), whether or not the OMS kept up within the window.
  const double gw_events = hi->scans_per_s / hi->gateways;
  const double gw_mb = static_cast<double>(max_gateway_hwm_kb(*hi)) / 1024.0;
  const double per_station_rate = hi->scans_per_s / (hi->gateways * hi->stations);
  // 1 % of a core is 10 ms of CPU per second.
  double broker_ms_per_event = hi->broker_cpu_percent * 10.0 / hi->scans_per_s;
  double broker_fixed = 0;
  std::string broker_basis = fmt::format("all of the N = {} row counted per event", hi->gateways);
  if (lo != hi && hi->scans_per_s > lo->scans_per_s) {
    const double slope = (hi->broker_cpu_percent - lo->broker_cpu_percent) * 10.0 / (hi->scans_per_s - lo->scans_per_s);
    const double fixed = lo->broker_cpu_percent - slope / 10.0 * lo->scans_per_s;
    // A noisy pair (the smaller N's broker busier) gives no line: then everything counts per event.
    if (slope > 0 && fixed >= 0) {
      broker_ms_per_event = slope;
      broker_fixed = fixed;
      broker_basis = fmt::format("the line through N = {} and N = {}", lo->gateways, hi->gateways);
    }
  }
  const int site_gateways = (kSiteStations + hi->stations - 1) / hi->stations;
  const double site_events = kSiteStations * per_station_rate;
  std::printf("  %s: a gateway of %d stations used %.1f %% of a core (%.3f ms CPU per event) and at most %.1f MB at\n"
              "    %.1f scans/s (the N = %d row); the broker %.1f %% of a core fixed + %.4f ms CPU per event (%s)\n"
              "    -> %d stations at %.2f scans/s each: %d gateways, %.0f events/s; the gateways %.2f cores and %.2f GB\n"
              "       in all (spread over their hosts); the broker %.2f cores\n",
              std::string(to_string(broker)).c_str(), hi->stations, gw_cpu, gw_cpu * 10.0 / gw_events, gw_mb, gw_events,
              hi->gateways, broker_fixed, broker_ms_per_event,
              broker_basis.c_str(),
              kSiteStations, per_station_rate, site_gateways, site_events, site_gateways * gw_cpu / 100.0,
              site_gateways * gw_mb / 1024.0, (broker_fixed + broker_ms_per_event / 10.0 * site_events) / 100.0);
}

}  // namespace

std::int64_t PointFigures::lost() const { return sum_of(per_gateway, [](const GatewayFigures& g) { return g.lost; }); }
std::int64_t PointFigures::duplicates() const {
  return sum_of(per_gateway, [](const GatewayFigures& g) { return g.duplicates; });
}
std::int64_t PointFigures::seq_gaps() const {
  return sum_of(per_gateway, [](const GatewayFigures& g) { return g.seq_gaps; });
}

std::optional<double> PointFigures::latency_limit_ms() const {
  if (broker != BrokerKind::mosquitto || !fsync || fsync->syncs.count() == 0) return std::nullopt;
  return kLatencyFsyncFactor * fsync->syncs.percentile_ms(99) + kLatencySlackMs;
}

std::optional<bool> PointFigures::latency_ok() const {
  const auto limit = latency_limit_ms();
  if (!limit) return std::nullopt;
  return latency_missing == 0 && latency.count() > 0 && latency.percentile_ms(99) <= *limit;
}

bool PointFigures::rss_ok() const {
  return !per_gateway.empty() && std::all_of(per_gateway.begin(), per_gateway.end(), [](const GatewayFigures& g) {
    return g.vm_hwm_kb && *g.vm_hwm_kb <= kRssLimitKb;
  });
}

void print_header(const FleetOptions& o) {
  std::printf("fleet benchmark: %d stations per gateway, %.2f scans/s per station (one process writes every scan\n"
              "  from one timer), warm-up %.0f s, %.0f s measured per point, drain up to %.0f s\n"
              "  targets: 0 lost and no seq gap at every N; on mosquitto scan->OMS p99 <= %.0f x fsync p99 + %.0f ms;\n"
              "  peak RSS <= %lld MB per gateway\n",
              o.stations, o.scans_per_s, o.warmup_s, o.seconds, o.drain_timeout_s, kLatencyFsyncFactor, kLatencySlackMs,
              static_cast<long long>(kRssLimitKb / 1024));
  std::fflush(stdout);
}

void print_point(const PointFigures& p, bool per_gateway) {
  std::printf("%s\n%s\n", table_header().c_str(), table_row(p).c_str());
  std::printf("    %lld scans in the window, %zu with their event at the OMS, %lld never; %lld scans not written "
              "(scanner link down)%s%s\n",
              static_cast<long long>(p.latency.count() + static_cast<std::size_t>(p.latency_missing)), p.latency.count(),
              static_cast<long long>(p.latency_missing), static_cast<long long>(p.send_failures),
              p.drained ? fmt::format("; drained {:.1f} s after the window", p.drain_s).c_str()
                        : "; NOT drained: reported what arrived",
              p.node_killed ? fmt::format("; node 1 killed {:.1f} s into the window", p.kill_at_s).c_str() : "");
  if (p.fsync && !p.fsync->error.empty()) std::printf("    fsync probe: %s\n", p.fsync->error.c_str());
  if (p.fsync && p.fsync->syncs.count() > 0)
    std::printf("    disk floor (4 KiB pwrite+fdatasync at %.0f/s in the work dir, warm-up and window): p50 %.2f, p99 "
                "%.2f, max %.2f ms over %zu syncs\n",
                p.fsync->rate_hz, p.fsync->syncs.percentile_ms(50), p.fsync->syncs.percentile_ms(99), p.fsync->syncs.max_ms(),
                p.fsync->syncs.count());
  std::printf("    scan->OMS max %.2f ms", p.latency.max_ms());
  if (p.broker_node_cpu_percent.size() > 1) {
    std::printf("; broker CPU by node:");
    for (std::size_t i = 0; i < p.broker_node_cpu_percent.size(); ++i)
      std::printf(" %zu: %.1f%%", i + 1, p.broker_node_cpu_percent[i]);
  }
  std::printf("\n");
  for (const auto& g : p.per_gateway) {
    const bool notable = g.lost || g.duplicates || g.seq_gaps || g.unknown_scans || (g.vm_hwm_kb && *g.vm_hwm_kb > kRssLimitKb);
    if (!per_gateway && !notable) continue;
    std::printf("    %s (node %d): %lld scans, lost %lld, duplicates %lld, seq gaps %lld%s, CPU %.1f%%, peak RSS %s MB, %s\n",
                g.id.c_str(), g.node + 1, static_cast<long long>(g.scans_sent), static_cast<long long>(g.lost),
                static_cast<long long>(g.duplicates), static_cast<long long>(g.seq_gaps),
                g.unknown_scans ? fmt::format(", {} events of unknown scans", g.unknown_scans).c_str() : "", g.cpu_percent,
                mb(g.vm_hwm_kb).c_str(), g.exit.c_str());
  }
  std::fflush(stdout);
}

int print_summary(const std::vector<PointFigures>& points, double elapsed_s) {
  std::printf("\nsummary (N: gateways; k: a broker node killed mid-window; CPU in %% of one core):\n%s\n",
              table_header().c_str());
  bool all_ok = true;
  for (const auto& p : points) {
    std::printf("%s\n", table_row(p).c_str());
    all_ok = all_ok && p.lost_ok() && p.rss_ok() && p.latency_ok().value_or(true);
  }
  std::printf("sizing, extrapolated linearly from the figures above:\n");
  for (const auto broker : {BrokerKind::mosquitto, BrokerKind::cluster}) print_sizing(points, broker);
  std::printf("targets: %s   the whole bench took %.0f min %.0f s\n",
              all_ok ? "all met" : "MISSED (see MISS above)", std::floor(elapsed_s / 60), std::fmod(elapsed_s, 60));
  std::fflush(stdout);
  return all_ok ? 0 : 3;
}

}  // namespace wedge::fleet_bench
