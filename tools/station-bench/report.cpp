#include "tools/station-bench/report.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "tools/station-bench/latency_samples.hpp"

namespace wedge::station_bench {

namespace {

// Issue 7 item 9.
constexpr double kFeedbackP99TargetMs = 2.0;
constexpr double kPubackP99TargetMs = 5.0;
constexpr double kCpuTargetPercent = 10.0;
constexpr std::int64_t kRssTargetKb = 64 * 1024;
// Issue 23: what the daemon may add to the disk's own floor, and to a slow disk's fsync.
constexpr double kFeedbackOverFsyncMs = 1.0;
constexpr double kSlowDiskSlackMs = 2.0;

const char* verdict(bool ok) { return ok ? "PASS" : "MISS"; }

struct Figures {
  LatencySamples feedback;
  LatencySamples puback;
};

std::string line(const char* label, const LatencySamples& s) {
  if (s.count() == 0) return fmt::format("{:<30} no samples", label);
  return fmt::format("{:<30} p50 {:7.3f} ms   p99 {:7.3f} ms   max {:8.3f} ms   ({} scans)", label,
                     s.percentile_ms(50), s.percentile_ms(99), s.max_ms(), s.count());
}

}  // namespace

int print_report(const RunFacts& f, const ScanLedger& ledger) {
  const auto& o = f.options;
  Figures all, accepted, refused;
  std::array<Figures, 3> by_kind;
  std::size_t unexpected_verdicts = 0, unexpected_events = 0, wrong_sent = 0;
  for (const auto& r : ledger.records()) {
    if (r.wrong_item) ++wrong_sent;
    auto& kind = by_kind[static_cast<std::size_t>(r.kind)];
    auto& by_verdict = r.wrong_item ? refused : accepted;
    if (r.feedback_ns >= 0) {
      const auto d = r.feedback_ns - r.sent_ns;
      all.feedback.add(d);
      kind.feedback.add(d);
      by_verdict.feedback.add(d);
      if (!r.verdict_expected()) ++unexpected_verdicts;
    }
    if (r.event_ns >= 0) {
      const auto d = r.event_ns - r.sent_ns;
      all.puback.add(d);
      kind.puback.add(d);
      by_verdict.puback.add(d);
      if (!r.event_expected()) ++unexpected_events;
    }
  }
  const std::size_t sent = ledger.sent();
  const std::size_t lost_feedback = sent - ledger.feedback_received();
  const std::size_t lost_events = sent - ledger.events_received();
  const double cpu_s = static_cast<double>(f.cpu_end.total() - f.cpu_start.total()) / static_cast<double>(f.ticks_per_s);
  const double cpu_percent = f.window_s > 0 ? 100.0 * cpu_s / f.window_s : 0.0;
  const bool feedback_ok = all.feedback.count() > 0 && all.feedback.percentile_ms(99) <= kFeedbackP99TargetMs;
  const bool puback_ok = all.puback.count() > 0 && all.puback.percentile_ms(99) <= kPubackP99TargetMs;
  const bool cpu_ok = cpu_percent < kCpuTargetPercent;
  const bool rss_ok = f.vm_hwm_kb && *f.vm_hwm_kb < kRssTargetKb;
  const bool nothing_lost = sent > 0 && lost_feedback == 0 && lost_events == 0 && unexpected_verdicts == 0 &&
                            unexpected_events == 0 && f.send_failures == 0 && f.sse_error.empty();

  std::printf("\nresults (%d stations, %.1f scans/s each, %.0f s; load average before %s, after %s)\n",
              o.stations, o.scans_per_s, o.duration_s, f.load_before_scans.c_str(), f.load_after_scans.c_str());
  std::printf("  scans sent %zu (%zu good, %zu wrong item), send failures %lld\n", sent, sent - wrong_sent, wrong_sent,
              static_cast<long long>(f.send_failures));
  std::printf("  feedback received %zu, lost %zu, unexpected verdict %zu   (SSE frames read: %lld)\n",
              ledger.feedback_received(), lost_feedback, unexpected_verdicts, static_cast<long long>(f.sse_frames));
  std::printf("  events received %zu, lost %zu, unexpected type/reason %zu, duplicates %zu, not ours %zu\n",
              ledger.events_received(), lost_events, unexpected_events, ledger.duplicate_events(),
              ledger.unknown_events());
  if (!f.sse_error.empty()) std::printf("  event stream: %s\n", f.sse_error.c_str());
  if (f.scanner_reconnects > 0)
    std::printf("  scanner links re-established during the run: %lld\n", static_cast<long long>(f.scanner_reconnects));
  std::printf("\n%s   target p99 <= %.0f ms: %s\n", line("scan -> feedback (SSE)", all.feedback).c_str(),
              kFeedbackP99TargetMs, verdict(feedback_ok));
  std::printf("%s   target p99 <= %.0f ms: %s\n", line("scan -> PUBACK (subscriber)", all.puback).c_str(),
              kPubackP99TargetMs, verdict(puback_ok));
  std::printf("  PUBACK proxy: receipt at a QoS 1 subscriber; mosquitto forwards to subscribers before it\n"
              "  sends the PUBACK to the daemon, so this is a close, slightly early-side proxy.\n");
  std::printf("  feedback: accepted scans include the outbox commit (fsync) before the verdict; refusals do not.\n");
  std::printf("    %s\n", line("feedback, accepted", accepted.feedback).c_str());
  std::printf("    %s\n", line("feedback, refused", refused.feedback).c_str());
  std::printf("    %s\n", line("PUBACK, accepted", accepted.puback).c_str());
  std::printf("    %s\n", line("PUBACK, refused", refused.puback).c_str());
  for (std::size_t k = 0; k < by_kind.size(); ++k) {
    if (by_kind[k].feedback.count() == 0 && by_kind[k].puback.count() == 0) continue;
    const auto name = to_string(static_cast<ScannerKind>(k));
    std::printf("    %s\n", line(fmt::format("feedback, {}", name).c_str(), by_kind[k].feedback).c_str());
    std::printf("    %s\n", line(fmt::format("PUBACK, {}", name).c_str(), by_kind[k].puback).c_str());
  }
  if (f.fsync_probe) {
    // Informational only: no target, no effect on the exit code.
    const auto& p = *f.fsync_probe;
    const auto label = fmt::format("baseline: bare pwrite+fdatasync of 4 KiB in the work dir at {:g}/s during the run",
                                   p.rate_hz);
    if (p.syncs.count() > 0)
      std::printf("\n%s   p50 %7.3f ms   p99 %7.3f ms   max %8.3f ms   (%zu syncs)\n", label.c_str(),
                  p.syncs.percentile_ms(50), p.syncs.percentile_ms(99), p.syncs.max_ms(), p.syncs.count());
    else
      std::printf("\n%s   no samples\n", label.c_str());
    if (!p.error.empty()) std::printf("  the probe stopped early: %s\n", p.error.c_str());
    std::printf("  an accepted scan's feedback includes one such sync (the outbox commit); its p99 is the floor for "
                "the feedback p99 on this disk and machine.\n");
  }
  if (f.commits_start && f.commits_end) {
    // Informational: the daemon's own commits, to tell the disk's share of the feedback from the rest.
    if (const auto q = window_quantiles(*f.commits_start, *f.commits_end)) {
      const auto bound = [](double s) {
        return std::isinf(s) ? std::string("+Inf") : fmt::format("{:g} ms", s * 1000);
      };
      std::printf("the daemon's outbox commits in the window (wedge_outbox_commit_seconds, bucket bounds): %.0f "
                  "commits, p50 <= %s, p99 <= %s\n",
                  q->count, bound(q->p50_le).c_str(), bound(q->p99_le).c_str());
      std::printf("  a scan that arrives while a commit runs waits for it and then for its own: about commit p99 + "
                  "commit p50 + the path's ~0.3 ms is the feedback p99 floor.\n");
    }
  }
  // Issue 23's targets: judged only when their baseline was measured (or, for --slow-disk, set).
  bool floor_ok = true, slow_ok = true;
  const double feedback_p99 = all.feedback.count() > 0 ? all.feedback.percentile_ms(99) : 0.0;
  if (f.fsync_probe && f.fsync_probe->syncs.count() > 0) {
    const double limit = f.fsync_probe->syncs.percentile_ms(99) + kFeedbackOverFsyncMs;
    floor_ok = all.feedback.count() > 0 && feedback_p99 <= limit;
    std::printf("target scan -> feedback p99 <= same-run fsync p99 + %.0f ms: %.3f <= %.3f ms: %s\n",
                kFeedbackOverFsyncMs, feedback_p99, limit, verdict(floor_ok));
  }
  if (o.slow_disk_ms > 0) {
    const double limit = 2 * o.slow_disk_ms + kSlowDiskSlackMs;
    slow_ok = all.feedback.count() > 0 && feedback_p99 <= limit && unexpected_verdicts == 0;
    std::printf("target with %s: feedback p99 %.3f <= 2 x %g + %.0f = %.3f ms and "
                "no unexpected refusal (%zu): %s\n",
                slow_disk_label(o.slow_disk_ms).c_str(), feedback_p99, o.slow_disk_ms, kSlowDiskSlackMs, limit,
                unexpected_verdicts, verdict(slow_ok));
  }
  std::printf("\ndaemon CPU over %.1f s: %.2f%% of one core, %.0f us per scan (user %.2f s + system %.2f s)   "
              "target < %.0f%%: %s\n",
              f.window_s, cpu_percent, sent > 0 ? 1e6 * cpu_s / static_cast<double>(sent) : 0.0,
              static_cast<double>(f.cpu_end.user - f.cpu_start.user) / static_cast<double>(f.ticks_per_s),
              static_cast<double>(f.cpu_end.system - f.cpu_start.system) / static_cast<double>(f.ticks_per_s),
              kCpuTargetPercent, verdict(cpu_ok));
  if (f.daemon_run_delay && f.bench_run_delay && sent > 0)
    std::printf("runnable but waiting for a CPU over the window (schedstat): daemon loop thread %.0f ms "
                "(%.1f%% of the window), other daemon threads %.0f ms; bench loop thread %.0f ms, other bench "
                "threads %.0f ms\n",
                static_cast<double>(f.daemon_run_delay->main_thread_ns) / 1e6,
                static_cast<double>(f.daemon_run_delay->main_thread_ns) / 1e7 / f.window_s,
                static_cast<double>(f.daemon_run_delay->other_threads_ns) / 1e6,
                static_cast<double>(f.bench_run_delay->main_thread_ns) / 1e6,
                static_cast<double>(f.bench_run_delay->other_threads_ns) / 1e6);
  if (f.vm_hwm_kb)
    std::printf("daemon peak RSS (VmHWM): %.1f MB (VmRSS at end %.1f MB)   target < 64 MB: %s\n",
                static_cast<double>(*f.vm_hwm_kb) / 1024.0, static_cast<double>(f.vm_rss_kb.value_or(0)) / 1024.0,
                verdict(rss_ok));
  else
    std::printf("daemon peak RSS: not readable   target < 64 MB: MISS\n");
  std::printf("daemon stop: %s\n", f.daemon_exit.c_str());
  const bool all_ok = feedback_ok && puback_ok && cpu_ok && rss_ok && floor_ok && slow_ok && nothing_lost;
  std::printf("\nresult: %s\n", all_ok ? "all targets met, nothing lost"
                                       : nothing_lost ? "a target was missed" : "scans, verdicts or events went missing or wrong");
  std::fflush(stdout);
  return all_ok ? 0 : 3;
}

std::string write_samples(const std::string& path, const RunFacts& f, const ScanLedger& ledger) {
  std::ofstream out(path);
  if (!out) return "cannot write " + path;
  out << "station,driver,wrong_item,sent_ms,verdict,event_type,feedback_us,puback_us\n";
  const std::int64_t first_ns = ledger.records().empty() ? 0 : ledger.records().front().sent_ns;
  auto us = [](std::int64_t from, std::int64_t to) {
    return to < 0 ? std::string() : fmt::format("{:.1f}", static_cast<double>(to - from) / 1000.0);
  };
  for (const auto& r : ledger.records())
    out << f.plans[static_cast<std::size_t>(r.station)].station_id << ',' << to_string(r.kind) << ','
        << (r.wrong_item ? 1 : 0) << ',' << fmt::format("{:.3f}", static_cast<double>(r.sent_ns - first_ns) / 1e6)
        << ',' << r.verdict << ',' << r.event_type << ',' << us(r.sent_ns, r.feedback_ns)
        << ',' << us(r.sent_ns, r.event_ns) << '\n';
  return out ? std::string() : "write error on " + path;
}

}  // namespace wedge::station_bench
