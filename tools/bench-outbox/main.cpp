// wedge-bench-outbox: how fast the durable outbox commits, and what a big backlog costs.
//
// Not a test: prints figures. Modes (--mode, default all):
//   rate     durable appends/s with synchronous=FULL, for several group_commit_max values
//   latency  append -> commit latency (p50/p99) at a fixed rate (default 200 events/s)
//   backlog  fills a backlog (default 1,000,000 events), reports peak RSS, then drains it through
//            next_batch()+ack() in chunks and reports the drain rate and peak RSS again
// Each run uses a fresh database in a temporary directory under --dir (default /tmp), removed
// after.
// --json prints one JSON object per figure on stdout (for scripts/bench); otherwise plain lines.
#include "daemon/outbox/outbox.hpp"
#include "tools/common/command_line.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using wedge::outbox::AppendResult;
using wedge::outbox::NewEvent;
using wedge::outbox::Options;
using wedge::outbox::Outbox;

struct Args {
  std::string mode = "all";
  std::string dir = "/tmp";
  std::int64_t events = 200'000;
  std::int64_t window = 4096;  // appends in flight at most
  std::vector<std::size_t> group_max{1, 16, 128, 512};
  std::int64_t group_window_us = 2000;
  std::int64_t backlog = 1'000'000;
  std::size_t chunk = 256;
  std::int64_t rate_per_s = 200;
  std::int64_t seconds = 5;
  bool json = false;
};

void usage() {
  std::cout
      << "usage: wedge-bench-outbox [options]\n"
         "  --mode rate|latency|backlog|all   what to measure (default all)\n"
         "  --dir DIR               where the temporary database goes (default /tmp)\n"
         "  --events N              events per rate run (default 200000; group max 1 uses N/40)\n"
         "  --window N              appends in flight at most (default 4096)\n"
         "  --group-max A,B,...     group_commit_max values for the rate runs (default "
         "1,16,128,512)\n"
         "  --group-window-us N     group_commit_window (default 2000)\n"
         "  --backlog N             backlog size (default 1000000)\n"
         "  --chunk N               next_batch size while draining (default 256)\n"
         "  --rate-per-s N          latency run: events per second (default 200)\n"
         "  --seconds N             latency run: duration (default 5)\n"
         "  --json                  one JSON object per figure\n";
}

bool parse(int argc, char** argv, Args& args) {
  wedge::tools::Flags flags;
  flags.flag("help,h", [] {
         usage();
         std::exit(0);
       })
      .flag("json", [&] { args.json = true; })
      .value("mode", [&](const std::string& v) { args.mode = v; })
      .value("dir", [&](const std::string& v) { args.dir = v; })
      .value("events", [&](const std::string& v) { args.events = std::stoll(v); })
      .value("window", [&](const std::string& v) { args.window = std::stoll(v); })
      .value("group-max",
             [&](const std::string& v) {
               args.group_max.clear();
               std::stringstream list(v);
               for (std::string item; std::getline(list, item, ',');) args.group_max.push_back(std::stoul(item));
             })
      .value("group-window-us", [&](const std::string& v) { args.group_window_us = std::stoll(v); })
      .value("backlog", [&](const std::string& v) { args.backlog = std::stoll(v); })
      .value("chunk", [&](const std::string& v) { args.chunk = std::stoul(v); })
      .value("rate-per-s", [&](const std::string& v) { args.rate_per_s = std::stoll(v); })
      .value("seconds", [&](const std::string& v) { args.seconds = std::stoll(v); });
  try {
    flags.apply(argc, argv);
  } catch (const wedge::tools::po::error& e) {
    throw std::invalid_argument(wedge::tools::message(e));
  }
  if (args.mode != "rate" && args.mode != "latency" && args.mode != "backlog" &&
      args.mode != "all") {
    throw std::invalid_argument("unknown mode " + args.mode);
  }
  return true;
}

// Peak resident set size of this process in KiB (VmHWM), resettable via clear_refs.
std::int64_t peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

void reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

class TempDb {
 public:
  explicit TempDb(const std::string& parent) {
    std::string tmpl = parent + "/wedge-bench-outbox-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp in " + parent);
    dir_ = tmpl;
  }
  ~TempDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string path() const { return dir_ + "/outbox.db"; }

 private:
  std::string dir_;
};

NewEvent sample_event(std::int64_t n) {
  NewEvent event;
  event.topic = "wedge/v1/site-1/gw-1/events/pick";
  event.type = "pick.scan_accepted";
  event.station = "pack-" + std::to_string(n % 8);
  event.order_id = "ORD-" + std::to_string(100000 + n / 10);
  event.data_json = R"({"sku":"SKU-)" + std::to_string(n % 5000) +
                    R"(","qty":1,"location":"A-01-02","barcode":"4006381333931","picker":"p-17"})";
  return event;
}

class Printer {
 public:
  explicit Printer(bool json) : json_(json) {}
  // `fields` are key/value pairs; numbers are passed already formatted.
  void print(const std::string& figure,
             const std::vector<std::pair<std::string, std::string>>& fields) {
    if (json_) {
      std::cout << "{\"figure\":\"" << figure << "\"";
      for (const auto& [k, v] : fields) std::cout << ",\"" << k << "\":" << v;
      std::cout << "}" << std::endl;
    } else {
      std::cout << figure;
      for (const auto& [k, v] : fields) std::cout << " " << k << "=" << v;
      std::cout << std::endl;
    }
  }

 private:
  bool json_;
};

std::string num(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}
std::string num(std::int64_t v) { return std::to_string(v); }

struct Loop {
  boost::asio::io_context context;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{
      context.get_executor()};
  void run_until(const std::function<bool()>& done) {
    while (!done()) context.run_one_for(std::chrono::milliseconds(50));
  }
};

// Appends `count` events keeping at most `window` in flight; returns seconds taken.
double fill(Loop& loop, Outbox& outbox, std::int64_t count, std::int64_t window,
            std::int64_t& failures) {
  std::int64_t issued = 0;
  std::int64_t done = 0;
  const auto start = Clock::now();
  while (done < count) {
    while (issued < count && issued - done < window) {
      outbox.append(sample_event(issued), [&](const AppendResult& r) {
        ++done;
        if (!r) ++failures;
      });
      ++issued;
    }
    const auto target = done + 1;
    loop.run_until([&] { return done >= target; });
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Options options_for(const TempDb& db, const Args& args, std::size_t group_max) {
  Options options;
  options.db_path = db.path();
  options.group_commit_max = group_max;
  options.group_commit_window = std::chrono::microseconds(args.group_window_us);
  options.max_events = std::max<std::int64_t>(args.backlog, args.events) * 2;
  options.max_bytes = 8LL * 1024 * 1024 * 1024;
  return options;
}

void bench_rate(const Args& args, Printer& out) {
  for (const auto group_max : args.group_max) {
    TempDb db(args.dir);
    Loop loop;
    Outbox outbox(loop.context.get_executor(), options_for(db, args, group_max));
    // One fsync per event is slow by design; fewer events keep the run short.
    const std::int64_t count =
        group_max == 1 ? std::max<std::int64_t>(1000, args.events / 40) : args.events;
    std::int64_t failures = 0;
    const double seconds = fill(loop, outbox, count, args.window, failures);
    const auto stats = outbox.stats();
    out.print("durable_append_rate",
              {{"group_commit_max", num(static_cast<std::int64_t>(group_max))},
               {"events", num(count)},
               {"seconds", num(seconds)},
               {"events_per_s", num(static_cast<double>(count) / seconds)},
               {"transactions", num(stats.transactions)},
               {"events_per_transaction",
                num(static_cast<double>(stats.committed_events) /
                    static_cast<double>(std::max<std::int64_t>(1, stats.transactions)))},
               {"failures", num(failures)}});
  }
}

void bench_latency(const Args& args, Printer& out) {
  TempDb db(args.dir);
  Loop loop;
  Outbox outbox(loop.context.get_executor(), options_for(db, args, 512));
  std::vector<double> latencies_ms;
  const std::int64_t total = args.rate_per_s * args.seconds;
  latencies_ms.reserve(static_cast<std::size_t>(total));
  boost::asio::steady_timer timer(loop.context);
  const auto period =
      std::chrono::nanoseconds(1'000'000'000 / std::max<std::int64_t>(1, args.rate_per_s));
  auto next = Clock::now();
  std::int64_t issued = 0;
  std::int64_t done = 0;
  std::function<void()> tick = [&] {
    if (issued >= total) return;
    const auto created = Clock::now();
    outbox.append(sample_event(issued), [&, created](const AppendResult&) {
      latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - created).count());
      ++done;
    });
    ++issued;
    next += period;
    timer.expires_at(next);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  };
  tick();
  loop.run_until([&] { return done >= total; });
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto at = [&](double q) {
    return latencies_ms[std::min(
        latencies_ms.size() - 1,
        static_cast<std::size_t>(q * static_cast<double>(latencies_ms.size())))];
  };
  out.print("commit_latency", {{"rate_per_s", num(args.rate_per_s)},
                               {"events", num(total)},
                               {"p50_ms", num(at(0.50))},
                               {"p99_ms", num(at(0.99))},
                               {"max_ms", num(latencies_ms.back())},
                               {"transactions", num(outbox.stats().transactions)}});
}

void bench_backlog(const Args& args, Printer& out) {
  TempDb db(args.dir);
  reset_peak_rss();
  const auto rss_before = peak_rss_kib();
  std::int64_t failures = 0;
  double fill_seconds = 0;
  {
    Loop loop;
    Outbox outbox(loop.context.get_executor(), options_for(db, args, 512));
    fill_seconds = fill(loop, outbox, args.backlog, args.window, failures);
  }
  const auto rss_after_fill = peak_rss_kib();
  // Reopen, as after a restart with a backlog: start-up must not load it.
  Loop loop;
  const auto open_start = Clock::now();
  Outbox outbox(loop.context.get_executor(), options_for(db, args, 512));
  const double open_seconds = std::chrono::duration<double>(Clock::now() - open_start).count();
  const auto depth = outbox.stats().depth;
  const auto rss_after_open = peak_rss_kib();

  std::int64_t drained = 0;
  const auto drain_start = Clock::now();
  while (true) {
    auto batch = outbox.next_batch(args.chunk);
    if (batch.empty()) break;
    for (const auto& e : batch) outbox.ack(e.seq);
    drained += static_cast<std::int64_t>(batch.size());
    loop.context.poll();  // let the delete reports in, as the MQTT link's loop would
  }
  const double read_seconds = std::chrono::duration<double>(Clock::now() - drain_start).count();
  loop.run_until([&] { return outbox.stats().depth == 0; });
  const double drain_seconds = std::chrono::duration<double>(Clock::now() - drain_start).count();
  out.print("backlog",
            {{"events", num(args.backlog)},
             {"fill_seconds", num(fill_seconds)},
             {"fill_events_per_s", num(static_cast<double>(args.backlog) / fill_seconds)},
             {"fill_failures", num(failures)},
             {"reopen_seconds", num(open_seconds)},
             {"depth_after_reopen", num(depth)},
             {"chunk", num(static_cast<std::int64_t>(args.chunk))},
             {"read_events_per_s", num(static_cast<double>(drained) / read_seconds)},
             {"drain_events_per_s", num(static_cast<double>(drained) / drain_seconds)},
             {"rss_start_mib", num(static_cast<double>(rss_before) / 1024.0)},
             {"peak_rss_fill_mib", num(static_cast<double>(rss_after_fill) / 1024.0)},
             {"peak_rss_reopen_mib", num(static_cast<double>(rss_after_open) / 1024.0)},
             {"peak_rss_mib", num(static_cast<double>(peak_rss_kib()) / 1024.0)}});
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    parse(argc, argv, args);
  } catch (const std::exception& e) {
    std::cerr << "wedge-bench-outbox: " << e.what() << "\n";
    usage();
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  try {
    Printer out(args.json);
    if (args.mode == "rate" || args.mode == "all") bench_rate(args, out);
    if (args.mode == "latency" || args.mode == "all") bench_latency(args, out);
    if (args.mode == "backlog" || args.mode == "all") bench_backlog(args, out);
  } catch (const std::exception& e) {
    std::cerr << "wedge-bench-outbox: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
