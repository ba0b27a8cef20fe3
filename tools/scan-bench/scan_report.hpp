// The printed result of `scan-bench run`: per side the median over its rounds, pair by pair the
// ratios wedge / bridge, the median ratio against issue 23's targets with PASS/MISS, both sides' CPU
// per scan split by thread, and the same-run fsync floor. Returns the exit code: 0 when every target
// is met and every scan arrived, 3 otherwise. Main thread.
#pragma once

#include <vector>

#include "tools/scan-bench/scan_run.hpp"

namespace wedge::scan_bench {

// Issue 23: wedge / bridge, each the median over the interleaved pairs.
inline constexpr double kP50RatioTarget = 1.15;
inline constexpr double kP99RatioTarget = 1.25;
inline constexpr double kCpuRatioTarget = 1.2;

// The median of `values` (the mean of the middle two for an even count); 0 when empty.
[[nodiscard]] double median(std::vector<double> values);

[[nodiscard]] int print_scan_report(const RunOptions& options, const RunResult& result);

}  // namespace wedge::scan_bench
