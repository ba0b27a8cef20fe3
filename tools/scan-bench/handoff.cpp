#include "tools/scan-bench/handoff.hpp"

#include "tools/scan-bench/scan_report.hpp"
#include "tools/station-bench/clock.hpp"
#include "tools/station-bench/latency_samples.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace wedge::scan_bench {

namespace {

using station_bench::mono_ns;
using station_bench::sleep_until_ns;

std::int64_t process_cpu_us() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto us = [](const timeval& tv) { return std::int64_t{tv.tv_sec} * 1'000'000 + tv.tv_usec; };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

// The second thread: waits for a request, answers it. Like the outbox writer between commits. The
// request comes through a condition variable (as the loop signals the writer) or through a pipe,
// whose write the kernel marks as a synchronous wake-up (the waker is about to sleep), so the
// scheduler may run the woken thread on the waker's CPU rather than wake an idle one.
class Echo {
 public:
  explicit Echo(bool pipe) : pipe_(pipe) {
    if (pipe_ && ::pipe2(fds_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    thread_ = std::thread([this] { run(); });
  }
  ~Echo() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    kick_now();
    thread_.join();
    if (pipe_) {
      ::close(fds_[0]);
      ::close(fds_[1]);
    }
  }
  // Signals the echo thread, keeps working `work_us` (as the loop does after an append), then waits
  // for the answer. Returns when the echo thread woke, in mono_ns().
  std::int64_t round_trip(int work_us) {
    {
      std::lock_guard lock(mutex_);
      ++asked_;
    }
    kick_now();
    const std::int64_t until = mono_ns() + std::int64_t{work_us} * 1000;
    while (mono_ns() < until) {
    }
    std::unique_lock lock(mutex_);
    back_.wait(lock, [this] { return answered_ == asked_; });
    return woke_ns_;
  }

 private:
  void kick_now() {
    if (pipe_) {
      const char byte = 'x';
      (void)!::write(fds_[1], &byte, 1);
    } else {
      wake_.notify_one();
    }
  }
  void run() {
    for (;;) {
      if (pipe_) {
        char byte = 0;
        while (::read(fds_[0], &byte, 1) < 0 && errno == EINTR) {
        }
      }
      std::unique_lock lock(mutex_);
      if (!pipe_) wake_.wait(lock, [this] { return stop_ || asked_ != answered_; });
      if (stop_) return;
      if (asked_ == answered_) continue;
      woke_ns_ = mono_ns();
      answered_ = asked_;
      back_.notify_one();
    }
  }

  const bool pipe_;
  int fds_[2] = {-1, -1};
  std::mutex mutex_;
  std::condition_variable wake_, back_;
  std::int64_t asked_ = 0, answered_ = 0;  // guarded by mutex_
  std::int64_t woke_ns_ = 0;              // guarded by mutex_
  bool stop_ = false;                     // guarded by mutex_
  std::thread thread_;
};

struct Block {
  double cpu_us_per_round = 0;
  double p50_us = 0, p99_us = 0;  // the echo thread's wake-up after the signal (one way)
};

Block run_block(Echo* echo, int rounds, double rate, int work_us) {
  station_bench::LatencySamples trips;
  const auto period = static_cast<std::int64_t>(1e9 / rate);
  const std::int64_t start = mono_ns() + period;
  const std::int64_t cpu_start = process_cpu_us();
  for (int i = 0; i < rounds; ++i) {
    sleep_until_ns(start + i * period);
    const std::int64_t t = mono_ns();
    if (echo) {
      trips.add(echo->round_trip(work_us) - t);
    } else {
      while (mono_ns() < t + std::int64_t{work_us} * 1000) {
      }
      trips.add(0);
    }
  }
  Block b;
  b.cpu_us_per_round = static_cast<double>(process_cpu_us() - cpu_start) / rounds;
  b.p50_us = trips.percentile_ms(50) * 1e3;
  b.p99_us = trips.percentile_ms(99) * 1e3;
  return b;
}

}  // namespace

int run_handoff(const HandoffOptions& o) {
  std::printf("hand-off cost: %d interleaved blocks of %d rounds each at %g/s: alone, and with a hand-off to a\n"
              "second thread by %s and its answer back; the signalling thread works %d us after the signal\n",
              o.blocks, o.rounds, o.rate, o.pipe ? "a pipe" : "a condition variable", o.work_us);
  Echo echo(o.pipe);
  std::vector<double> alone_cpu, trip_cpu, one_way_p50, one_way_p99, extra;
  for (int b = 0; b < o.blocks; ++b) {
    const Block alone = run_block(nullptr, o.rounds, o.rate, o.work_us);
    const Block trip = run_block(&echo, o.rounds, o.rate, o.work_us);
    alone_cpu.push_back(alone.cpu_us_per_round);
    trip_cpu.push_back(trip.cpu_us_per_round);
    one_way_p50.push_back(trip.p50_us);
    one_way_p99.push_back(trip.p99_us);
    extra.push_back(trip.cpu_us_per_round - alone.cpu_us_per_round);
    std::printf("  block %d: alone %.1f us CPU/round; with the hand-off %.1f us CPU/round, the other thread awake after"
                " p50 %.1f us, p99 %.1f us\n",
                b + 1, alone.cpu_us_per_round, trip.cpu_us_per_round, trip.p50_us, trip.p99_us);
    std::fflush(stdout);
  }
  std::printf("median: alone %.1f us, with the hand-off %.1f us of CPU per round; one hand-off to a sleeping thread\n"
              "  costs %.1f us of CPU (half the difference: there and back) and wakes it after p50 %.1f us, p99 %.1f us\n",
              median(alone_cpu), median(trip_cpu), median(extra) / 2, median(one_way_p50), median(one_way_p99));
  return 0;
}

}  // namespace wedge::scan_bench
