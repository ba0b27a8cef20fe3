#include "tools/scan-bench/handoff.hpp"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace wedge::scan_bench {

namespace {

std::int64_t mono_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t process_cpu_us() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto us = [](const timeval& tv) { return std::int64_t{tv.tv_sec} * 1'000'000 + tv.tv_usec; };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

void sleep_until_ns(std::int64_t ns) {
  const timespec at{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR) {
  }
}

// The second thread: waits for a request, answers it. Like the outbox writer between commits.
class Echo {
 public:
  Echo() : thread_([this] { run(); }) {}
  ~Echo() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  // Signals the echo thread and waits for its answer.
  void round_trip() {
    std::unique_lock lock(mutex_);
    ++asked_;
    wake_.notify_one();
    back_.wait(lock, [this] { return answered_ == asked_; });
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stop_ || asked_ != answered_; });
      if (stop_) return;
      answered_ = asked_;
      back_.notify_one();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, back_;
  std::int64_t asked_ = 0, answered_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

struct Block {
  double cpu_us_per_round = 0;
  double p50_us = 0, p99_us = 0;
};

Block run_block(Echo* echo, int rounds, double rate) {
  std::vector<std::int64_t> trips;
  trips.reserve(static_cast<std::size_t>(rounds));
  const auto period = static_cast<std::int64_t>(1e9 / rate);
  const std::int64_t start = mono_ns() + period;
  const std::int64_t cpu_start = process_cpu_us();
  for (int i = 0; i < rounds; ++i) {
    sleep_until_ns(start + i * period);
    const std::int64_t t = mono_ns();
    if (echo) echo->round_trip();
    trips.push_back(mono_ns() - t);
  }
  Block b;
  b.cpu_us_per_round = static_cast<double>(process_cpu_us() - cpu_start) / rounds;
  std::sort(trips.begin(), trips.end());
  b.p50_us = static_cast<double>(trips[trips.size() / 2]) / 1e3;
  b.p99_us = static_cast<double>(trips[std::min(trips.size() - 1, trips.size() * 99 / 100)]) / 1e3;
  return b;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int run_handoff(const HandoffOptions& o) {
  std::printf("hand-off cost: %d interleaved blocks of %d rounds each at %g/s, alone and with a round trip to a\n"
              "second thread (condition variable there and back: two hand-offs to a sleeping thread)\n",
              o.blocks, o.rounds, o.rate);
  Echo echo;
  std::vector<double> alone_cpu, trip_cpu, trip_p50, trip_p99, extra;
  for (int b = 0; b < o.blocks; ++b) {
    const Block alone = run_block(nullptr, o.rounds, o.rate);
    const Block trip = run_block(&echo, o.rounds, o.rate);
    alone_cpu.push_back(alone.cpu_us_per_round);
    trip_cpu.push_back(trip.cpu_us_per_round);
    trip_p50.push_back(trip.p50_us);
    trip_p99.push_back(trip.p99_us);
    extra.push_back(trip.cpu_us_per_round - alone.cpu_us_per_round);
    std::printf("  block %d: alone %.1f us CPU/round; round trip %.1f us CPU/round, p50 %.1f us, p99 %.1f us\n", b + 1,
                alone.cpu_us_per_round, trip.cpu_us_per_round, trip.p50_us, trip.p99_us);
    std::fflush(stdout);
  }
  std::printf("median: alone %.1f us, round trip %.1f us of CPU per round; one hand-off to a sleeping thread costs\n"
              "  %.1f us of CPU (half the difference) and the round trip takes p50 %.1f us, p99 %.1f us\n",
              median(alone_cpu), median(trip_cpu), median(extra) / 2, median(trip_p50), median(trip_p99));
  return 0;
}

}  // namespace wedge::scan_bench
