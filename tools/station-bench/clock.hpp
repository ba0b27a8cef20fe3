// The station benchmark's clock: CLOCK_MONOTONIC in nanoseconds. Both ends of every interval the
// bench reports are read in the bench process with this one clock, so no clock of another process
// (daemon, broker) enters a figure. Any thread.
#pragma once

#include <time.h>

#include <cerrno>
#include <cstdint>

namespace wedge::station_bench {

inline std::int64_t mono_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Sleeps until mono_ns() reaches `ns` (absolute, so a schedule of rounds does not drift).
inline void sleep_until_ns(std::int64_t ns) {
  const timespec at{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR) {
  }
}

}  // namespace wedge::station_bench
