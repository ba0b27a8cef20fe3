#include "tools/scan-bench/scan_report.hpp"

#include "tools/station-bench/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace wedge::scan_bench {

namespace {

const char* verdict(bool ok) { return ok ? "PASS" : "MISS"; }

struct SideFigures {
  std::vector<double> p50, p99, cpu_us;  // per round
  ThreadTicks threads;                   // summed over the rounds
  std::size_t scans = 0;
};

double cpu_us_per_scan(const RoundResult& r, long ticks_per_s) {
  return r.sent == 0 ? 0.0 : 1e6 * static_cast<double>(r.cpu_ticks) / static_cast<double>(ticks_per_s) / static_cast<double>(r.sent);
}

std::string split(const SideFigures& s, long ticks_per_s) {
  std::string out;
  for (const auto& [label, ticks] : s.threads) {
    if (ticks == 0) continue;
    out += fmt::format("{}{} {:.1f}", out.empty() ? "" : ", ", label,
                       1e6 * static_cast<double>(ticks) / static_cast<double>(ticks_per_s) / static_cast<double>(std::max<std::size_t>(1, s.scans)));
  }
  return out.empty() ? "no CPU ticks" : out;
}

}  // namespace

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

int print_scan_report(const RunOptions& o, const RunResult& r) {
  SideFigures bridge, wedge, compare;
  std::vector<double> p50_ratio, p99_ratio, cpu_ratio;            // wedge / bridge, pair by pair
  std::vector<double> cmp_p50_ratio, cmp_p99_ratio, cmp_cpu_ratio;  // wedge / compare, pair by pair
  bool all_received = true;
  for (const auto& round : r.rounds) {
    auto& side = round.side == Side::bridge ? bridge : round.side == Side::wedge ? wedge : compare;
    side.p50.push_back(round.p50_ms);
    side.p99.push_back(round.p99_ms);
    side.cpu_us.push_back(cpu_us_per_scan(round, r.ticks_per_s));
    add_to(side.threads, round.threads);
    side.scans += round.sent;
    all_received = all_received && round.received == round.sent;
  }
  const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  // Pair by pair: the rounds of one pair ran one after the other, under about the same load.
  std::printf("\npair by pair, wedge / bridge%s:", o.compare.empty() ? "" : " (and wedge / compare)");
  for (int pair = 1;; ++pair) {
    const RoundResult *a = nullptr, *b = nullptr, *c = nullptr;
    for (const auto& round : r.rounds) {
      if (round.pair != pair) continue;
      (round.side == Side::wedge ? a : round.side == Side::bridge ? b : c) = &round;
    }
    if (!a || !b) break;
    const double wedge_cpu = cpu_us_per_scan(*a, r.ticks_per_s);
    p50_ratio.push_back(ratio(a->p50_ms, b->p50_ms));
    p99_ratio.push_back(ratio(a->p99_ms, b->p99_ms));
    cpu_ratio.push_back(ratio(wedge_cpu, cpu_us_per_scan(*b, r.ticks_per_s)));
    std::printf("  pair %d: p50 %.2f, p99 %.2f, CPU %.2f", pair, p50_ratio.back(), p99_ratio.back(), cpu_ratio.back());
    if (c) {
      cmp_p50_ratio.push_back(ratio(a->p50_ms, c->p50_ms));
      cmp_p99_ratio.push_back(ratio(a->p99_ms, c->p99_ms));
      cmp_cpu_ratio.push_back(ratio(wedge_cpu, cpu_us_per_scan(*c, r.ticks_per_s)));
      std::printf(" (p50 %.2f, p99 %.2f, CPU %.2f)", cmp_p50_ratio.back(), cmp_p99_ratio.back(), cmp_cpu_ratio.back());
    }
    std::printf(";");
  }
  std::printf("\n\nscan -> subscriber, %d scans at %g/s per round, median over %zu rounds per side"
              " (load average at start %s, at end %s)%s\n",
              o.scans, o.rate, bridge.p50.size(), r.load_start.c_str(), r.load_end.c_str(),
              o.slow_disk_ms > 0 ? ("; " + wedge::station_bench::slow_disk_label(o.slow_disk_ms)).c_str() : "");
  std::printf("  %-58s p50 %6.3f ms   p99 %6.3f ms   CPU %6.1f us/scan (%.2f%% of a core at %g/s)\n",
              "bridge (line -> SQLite WAL FULL commit -> Paho QoS 1)", median(bridge.p50), median(bridge.p99),
              median(bridge.cpu_us), median(bridge.cpu_us) * o.rate / 1e4, o.rate);
  std::printf("  %-58s p50 %6.3f ms   p99 %6.3f ms   CPU %6.1f us/scan (%.2f%% of a core at %g/s)\n",
              "wedge (one pick station, TCP scanner)", median(wedge.p50), median(wedge.p99), median(wedge.cpu_us),
              median(wedge.cpu_us) * o.rate / 1e4, o.rate);
  if (!o.compare.empty()) {
    std::printf("  %-58s p50 %6.3f ms   p99 %6.3f ms   CPU %6.1f us/scan (%.2f%% of a core at %g/s)\n",
                fmt::format("compare ({})", o.compare).c_str(), median(compare.p50), median(compare.p99),
                median(compare.cpu_us), median(compare.cpu_us) * o.rate / 1e4, o.rate);
    std::printf("  wedge / compare (median of the pairs' ratios):  p50 %.2f, p99 %.2f, CPU %.2f\n", median(cmp_p50_ratio),
                median(cmp_p99_ratio), median(cmp_cpu_ratio));
  }
  const double p50 = median(p50_ratio), p99 = median(p99_ratio), cpu = median(cpu_ratio);
  const bool p50_ok = p50 > 0 && p50 <= kP50RatioTarget;
  const bool p99_ok = p99 > 0 && p99 <= kP99RatioTarget;
  const bool cpu_ok = cpu > 0 && cpu <= kCpuRatioTarget;
  std::printf("  target scan -> subscriber p50 <= %.2f x bridge:  %.2f  %s\n", kP50RatioTarget, p50, verdict(p50_ok));
  std::printf("  target scan -> subscriber p99 <= %.2f x bridge:  %.2f  %s\n", kP99RatioTarget, p99, verdict(p99_ok));
  std::printf("  target CPU per scan <= %.2f x bridge:            %.2f  %s\n", kCpuRatioTarget, cpu, verdict(cpu_ok));
  std::printf("  (each the median of the %zu pairs' ratios)\n", p50_ratio.size());
  std::printf("\nCPU per scan by thread, us (utime + stime over all rounds of a side / its scans; 'loop' is the main\n"
              "thread, other names are the threads' own; Paho C's threads carry the process's name):\n");
  std::printf("  bridge: %s\n  wedge:  %s\n", split(bridge, r.ticks_per_s).c_str(), split(wedge, r.ticks_per_s).c_str());
  if (!o.compare.empty()) std::printf("  compare: %s\n", split(compare, r.ticks_per_s).c_str());
  const auto& f = r.fsync;
  if (f.syncs.count() > 0)
    std::printf("\nsame-run disk floor: bare 4 KiB pwrite+fdatasync in the work dir at %g/s: p50 %.3f ms, p99 %.3f ms, "
                "max %.3f ms (%zu syncs)\n",
                f.rate_hz, f.syncs.percentile_ms(50), f.syncs.percentile_ms(99), f.syncs.max_ms(), f.syncs.count());
  if (!f.error.empty()) std::printf("  the fsync probe stopped early: %s\n", f.error.c_str());
  std::size_t refused = 0, mismatched = 0;
  for (const auto& [reason, n] : r.refused) {
    std::printf("wedge refused %zu scans as %s (none expected)\n", n, reason.c_str());
    refused += n;
  }
  for (const auto& round : r.rounds) mismatched += round.mismatched;
  if (mismatched > 0) std::printf("%zu messages named another scan than the one at their place\n", mismatched);
  if (!all_received) std::printf("some scans never reached the subscriber (see the rounds above)\n");
  const bool ok = p50_ok && p99_ok && cpu_ok && all_received && refused == 0 && mismatched == 0;
  std::printf("\nresult: %s\n", ok ? "all targets met" : all_received ? "a target was missed" : "scans went missing");
  std::fflush(stdout);
  return ok ? 0 : 3;
}

}  // namespace wedge::scan_bench
