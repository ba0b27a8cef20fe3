// uplink-bench: measures the uplink against a broker that scripts/bench runs.
//
//   uplink-bench raw      --uri U [--events N] [--window W] [--nodelay 1|0]
//                         raw Paho QoS 1 rate, no outbox; TCP_NODELAY as the link sets it (default)
//   uplink-bench durable  --uri U --state-dir D [--events N] [--window W]
//                         append → group commit (synchronous=FULL) → publish → PUBACK → ack
//   uplink-bench latency  --uri U --state-dir D [--rate R] [--seconds S]
//                         creation → PUBACK latency at a steady rate (p50/p99/max), split into
//                         creation → committed (commit_*) and committed → PUBACK (mqtt_*)
//   uplink-bench bridge   --uri U --state-dir D [--rate R] [--seconds S]
//                         the baseline for `latency`: a minimal fsync'd line → MQTT bridge (append
//                         the envelope to a file, fdatasync, Paho QoS 1 publish), same rate, same
//                         percentiles (commit_* is the write + fdatasync)
//   uplink-bench fill     --uri U --state-dir D [--events N]  build a backlog with the broker down
//   uplink-bench drain    --uri U --state-dir D               drain it with the broker up
// Modes with an outbox also take --commit-window-us N (the outbox's group-commit window).
// Every mode prints one line `key=value ...` (rates in events/s, times in ms, peak_rss_kb from
// getrusage) for the script to collect.
#include "daemon/mqtt/link.hpp"
#include "daemon/mqtt/topics.hpp"
#include "daemon/outbox/outbox.hpp"
#include "tools/common/command_line.hpp"
#include "tools/common/paho_client.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

long peak_rss_kb() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A payload the size of a real envelope, so (a) and (b) move the same bytes.
const std::string kData = R"({"barcode":"0123456789012","qty":1,"weight_grams":1250})";

wedge::outbox::NewEvent make_event(const wedge::mqtt::Topics& topics, std::int64_t n) {
  wedge::outbox::NewEvent event;
  event.type = "pick.scan_accepted";
  event.station = "st1";
  event.order_id = fmt::format("O-{}", n / 10);
  event.topic = topics.event(event.station, event.type);
  event.data_json = kData;
  return event;
}

// The envelope the bench publishes without an outbox (raw and bridge).
const std::string kEnvelope =
    std::string(R"({"id":"8f7a2c1e-3b4d-4e5f-9a6b-7c8d9e0f1a2b","seq":123456,"ts":"2024-01-01T00:00:00.000Z","type":"pick.scan_accepted","station":"st1","order_id":"O-12345","data":)") +
    kData + R"(,"session":1})";

int raw(const std::string& uri, std::int64_t events, int window, bool nodelay) {
  // Paho's own QoS 1 rate with the same in-flight window, no disk. With `nodelay` its socket gets
  // TCP_NODELAY as the link's does (broker_socket.hpp), so that b/a compares like with like: Nagle
  // batches back-to-back publishes into fewer segments, which is worth ~15% of a saturated rate here
  // but costs up to one round trip of latency per event on a real network.
  auto connected = wedge::tools::connect_paho("uplink-bench", uri, "bench-raw", window, nodelay);
  if (!connected) return 1;
  mqtt::async_client& client = *connected;
  std::mutex mutex;
  std::condition_variable cv;
  std::int64_t acked = 0;
  struct Counting : mqtt::iaction_listener {
    std::mutex* m;
    std::condition_variable* cv;
    std::int64_t* acked;
    std::int64_t* failed;
    void on_success(const mqtt::token&) override {
      std::lock_guard lock(*m);
      ++*acked;
      cv->notify_one();
    }
    void on_failure(const mqtt::token&) override {
      std::lock_guard lock(*m);
      ++*failed;
      ++*acked;
      cv->notify_one();
    }
  } listener;
  listener.m = &mutex;
  listener.cv = &cv;
  listener.acked = &acked;
  std::int64_t failed = 0;
  listener.failed = &failed;
  const wedge::mqtt::Topics topics("wedge/v1", "bench", "gw1");
  const std::string topic = topics.event("st1", "pick.scan_accepted");
  const std::string& payload = kEnvelope;
  const auto start = Clock::now();
  for (std::int64_t i = 0; i < events; ++i) {
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return i - acked < window; });
    }
    client.publish(mqtt::make_message(topic, payload, 1, false), nullptr, listener);
  }
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return acked >= events; });
  }
  const double secs = seconds_since(start);
  client.disconnect()->wait();
  connected.reset();
  std::printf("mode=raw events=%lld window=%d nodelay=%d seconds=%.3f rate=%.0f failed=%lld\n",
              static_cast<long long>(events), window, nodelay ? 1 : 0, secs, static_cast<double>(events) / secs,
              static_cast<long long>(failed));
  return 0;
}

struct Rig {
  boost::asio::io_context io;
  wedge::mqtt::LinkOptions options;
  std::unique_ptr<wedge::outbox::Outbox> outbox;
  std::unique_ptr<wedge::commands::CommandJournal> journal;
  std::unique_ptr<wedge::mqtt::Link> link;
  wedge::mqtt::Topics topics{"wedge/v1", "bench", "gw1"};

  // The outbox's group-commit window for this run (--commit-window-us).
  static inline std::chrono::microseconds commit_window{2000};

  Rig(const std::string& uri, const std::string& state_dir, int window, std::int64_t max_events) {
    std::filesystem::create_directories(state_dir);
    options.broker_uri = uri;
    options.state_dir = state_dir;
    options.site = "bench";
    options.gateway = "gw1";
    options.client_id = "bench-wedge";
    options.inflight_window = window;
    options.reconnect_min_ms = 50;
    options.reconnect_max_ms = 500;
    wedge::outbox::Options o;
    o.db_path = state_dir + "/outbox.db";
    o.max_events = max_events;
    o.max_bytes = 4LL * 1024 * 1024 * 1024;
    o.group_commit_window = commit_window;
    outbox = std::make_unique<wedge::outbox::Outbox>(io.get_executor(), o);
    journal = std::make_unique<wedge::commands::CommandJournal>(io.get_executor(), state_dir + "/commands.db");
    link = std::make_unique<wedge::mqtt::Link>(io.get_executor(), options, *outbox, *journal,
                                               [] { return wedge::mqtt::Inventory{}; });
  }
};

int durable(const std::string& uri, const std::string& dir, std::int64_t events, int window) {
  Rig rig(uri, dir, window, events * 2);
  std::int64_t issued = 0;
  std::int64_t outstanding = 0;
  std::int64_t acked = 0;
  Clock::time_point start;
  rig.link->set_ack_observer([&](std::int64_t) {
    if (++acked == events) rig.io.stop();
  });
  std::function<void()> feed = [&] {
    // Keep the writer busy without unbounded queues: a few thousand appends in flight.
    while (issued < events && outstanding < 8192) {
      ++issued;
      ++outstanding;
      rig.outbox->append(make_event(rig.topics, issued), [&](const wedge::outbox::AppendResult& r) {
        --outstanding;
        if (!r) std::fprintf(stderr, "append failed: %s\n", r.reason().c_str());
        feed();
      });
    }
  };
  rig.link->start();
  // Start the clock once connected, so connect time is not counted.
  boost::asio::steady_timer wait_connected(rig.io);
  std::function<void()> poll = [&] {
    if (rig.link->stats().connected) {
      start = Clock::now();
      feed();
      return;
    }
    wait_connected.expires_after(std::chrono::milliseconds(5));
    wait_connected.async_wait([&](boost::system::error_code) { poll(); });
  };
  poll();
  rig.io.run();
  const double secs = seconds_since(start);
  rig.link->stop();
  rig.outbox->close();
  std::printf("mode=durable events=%lld window=%d seconds=%.3f rate=%.0f peak_rss_kb=%ld\n",
              static_cast<long long>(events), window, secs, static_cast<double>(events) / secs, peak_rss_kb());
  return 0;
}

// Percentile `p` (0..1) of sorted `ms`; 0 when empty.
double percentile(const std::vector<double>& ms, double p) {
  if (ms.empty()) return 0.0;
  return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
}

// When one event was created, durable (committed / fsync'd) and acknowledged by the broker.
struct EventTimes {
  Clock::time_point created, committed, acked;
};

// One `mode=... p50_ms=... p99_ms=...` line over the events that were acknowledged. The split shows
// which half a slow event lost its time in: the disk (commit_*), or the broker round trip (mqtt_*).
void print_latency(const char* mode, double rate, const std::vector<EventTimes>& times) {
  std::vector<double> total_ms, commit_ms, mqtt_ms;
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  for (const auto& t : times) {
    if (t.created == Clock::time_point{} || t.acked == Clock::time_point{}) continue;
    total_ms.push_back(ms(t.acked - t.created));
    commit_ms.push_back(ms(t.committed - t.created));
    mqtt_ms.push_back(ms(t.acked - t.committed));
  }
  for (auto* v : {&total_ms, &commit_ms, &mqtt_ms}) std::sort(v->begin(), v->end());
  std::printf("mode=%s rate=%.0f samples=%zu p50_ms=%.3f p99_ms=%.3f max_ms=%.3f commit_p50_ms=%.3f "
              "commit_p99_ms=%.3f mqtt_p50_ms=%.3f mqtt_p99_ms=%.3f\n",
              mode, rate, total_ms.size(), percentile(total_ms, 0.50), percentile(total_ms, 0.99),
              total_ms.empty() ? 0.0 : total_ms.back(), percentile(commit_ms, 0.50), percentile(commit_ms, 0.99),
              percentile(mqtt_ms, 0.50), percentile(mqtt_ms, 0.99));
}

int latency(const std::string& uri, const std::string& dir, double rate, double seconds, int window) {
  Rig rig(uri, dir, window, 1'000'000);
  const auto total = static_cast<std::int64_t>(rate * seconds);
  // Per seq: creation (the append call), commit (its handler on the loop), PUBACK (on the loop).
  std::unordered_map<std::int64_t, EventTimes> times;
  std::int64_t issued = 0;
  std::int64_t acked = 0;
  boost::asio::steady_timer tick(rig.io);
  rig.link->set_ack_observer([&](std::int64_t seq) {
    times[seq].acked = Clock::now();
    if (++acked >= total) rig.io.stop();
  });
  const auto period = std::chrono::nanoseconds(static_cast<long long>(1e9 / rate));
  Clock::time_point next;
  std::function<void()> emit = [&] {
    if (issued >= total) return;
    ++issued;
    const auto t0 = Clock::now();
    rig.outbox->append(make_event(rig.topics, issued), [&times, t0](const wedge::outbox::AppendResult& r) {
      if (!r) return;
      times[r->seq].created = t0;
      times[r->seq].committed = Clock::now();
    });
    next += period;
    tick.expires_at(next);
    tick.async_wait([&](boost::system::error_code ec) {
      if (!ec) emit();
    });
  };
  rig.link->start();
  boost::asio::steady_timer wait_connected(rig.io);
  std::function<void()> poll = [&] {
    if (rig.link->stats().connected) {
      next = Clock::now();
      emit();
      return;
    }
    wait_connected.expires_after(std::chrono::milliseconds(5));
    wait_connected.async_wait([&](boost::system::error_code) { poll(); });
  };
  poll();
  rig.io.run();
  rig.link->stop();
  rig.outbox->close();
  std::vector<EventTimes> all;
  for (const auto& [seq, t] : times) all.push_back({t.created, t.committed, t.acked});
  print_latency("latency", rate, all);
  return 0;
}

// The baseline of `latency`: per event, append the envelope line to a file, fdatasync, publish it
// with Paho at QoS 1; creation → PUBACK. No outbox, no loop: the least a durable bridge must do.
int bridge(const std::string& uri, const std::string& dir, double rate, double seconds, int window) {
  std::filesystem::create_directories(dir);
  const int fd = ::open((dir + "/bridge.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::fprintf(stderr, "uplink-bench: cannot open %s/bridge.log\n", dir.c_str());
    return 1;
  }
  auto client = wedge::tools::connect_paho("uplink-bench", uri, "bench-bridge", window, true);
  if (!client) return 1;
  const auto total = static_cast<std::size_t>(rate * seconds);
  std::vector<EventTimes> times(total);
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t acked = 0;
  struct Acked : mqtt::iaction_listener {
    EventTimes* slot = nullptr;
    std::mutex* m = nullptr;
    std::condition_variable* cv = nullptr;
    std::size_t* acked = nullptr;
    void done(bool ok) {
      std::lock_guard lock(*m);
      if (ok) slot->acked = Clock::now();
      ++*acked;
      cv->notify_one();
    }
    void on_success(const mqtt::token&) override { done(true); }
    void on_failure(const mqtt::token&) override { done(false); }
  };
  std::vector<Acked> listeners(total);
  const wedge::mqtt::Topics topics("wedge/v1", "bench", "gw1");
  const std::string topic = topics.event("st1", "pick.scan_accepted");
  const std::string line = kEnvelope + "\n";
  const auto period = std::chrono::nanoseconds(static_cast<long long>(1e9 / rate));
  auto next = Clock::now();
  for (std::size_t i = 0; i < total; ++i) {
    std::this_thread::sleep_until(next);
    next += period;
    const auto created = Clock::now();
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fdatasync(fd) != 0) {
      std::fprintf(stderr, "uplink-bench: write/fdatasync failed\n");
      return 1;
    }
    {
      std::lock_guard lock(mutex);
      times[i].created = created;
      times[i].committed = Clock::now();
    }
    listeners[i] = Acked{};
    listeners[i].slot = &times[i];
    listeners[i].m = &mutex;
    listeners[i].cv = &cv;
    listeners[i].acked = &acked;
    client->publish(mqtt::make_message(topic, kEnvelope, 1, false), nullptr, listeners[i]);
  }
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return acked >= total; });
  }
  client->disconnect()->wait();
  ::close(fd);
  std::lock_guard lock(mutex);
  print_latency("bridge", rate, times);
  return 0;
}

int fill_backlog(const std::string& uri, const std::string& dir, std::int64_t events) {
  Rig rig(uri, dir, 64, events + 1000);
  std::int64_t issued = 0;
  std::int64_t outstanding = 0;
  std::int64_t done = 0;
  const auto start = Clock::now();
  std::function<void()> feed = [&] {
    while (issued < events && outstanding < 8192) {
      ++issued;
      ++outstanding;
      rig.outbox->append(make_event(rig.topics, issued), [&](const wedge::outbox::AppendResult& r) {
        --outstanding;
        if (!r) std::fprintf(stderr, "append failed: %s\n", r.reason().c_str());
        if (++done == events) {
          rig.io.stop();
          return;
        }
        feed();
      });
    }
  };
  rig.link->start();  // the broker is down: it keeps retrying while the backlog grows
  feed();
  rig.io.run();
  const double secs = seconds_since(start);
  rig.outbox->close();
  std::printf("mode=fill events=%lld seconds=%.3f rate=%.0f depth=%lld peak_rss_kb=%ld\n",
              static_cast<long long>(events), secs, static_cast<double>(events) / secs,
              static_cast<long long>(rig.outbox->stats().depth), peak_rss_kb());
  return 0;
}

int drain(const std::string& uri, const std::string& dir, int window) {
  Rig rig(uri, dir, window, 2'000'000);
  const std::int64_t backlog = rig.outbox->stats().depth;
  std::int64_t acked = 0;
  Clock::time_point start;
  bool started = false;
  rig.link->set_ack_observer([&](std::int64_t) {
    if (!started) {
      started = true;
      start = Clock::now();
    }
    if (++acked >= backlog) rig.io.stop();
  });
  rig.link->start();
  if (backlog > 0) rig.io.run();
  const double secs = started ? seconds_since(start) : 0.0;
  rig.link->stop();
  rig.outbox->close();
  std::printf("mode=drain events=%lld window=%d seconds=%.3f rate=%.0f peak_rss_kb=%ld\n",
              static_cast<long long>(backlog), window, secs, secs > 0 ? static_cast<double>(backlog) / secs : 0.0,
              peak_rss_kb());
  return 0;
}

}  // namespace

constexpr const char* kUsage =
    "usage: uplink-bench raw|durable|latency|bridge|fill|drain --uri U [--state-dir D] [--events N] "
    "[--window W] [--rate R] [--seconds S] [--nodelay 1|0] [--commit-window-us N]\n";

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string mode = argv[1];
  std::map<std::string, std::string> args;
  wedge::tools::Flags flags;
  for (const char* key : {"uri", "state-dir", "events", "window", "rate", "seconds", "nodelay", "commit-window-us"})
    flags.value(key, [&args, key](const std::string& value) { args[key] = value; });
  try {
    flags.apply(argc - 1, argv + 1);  // after the mode
  } catch (const wedge::tools::po::error& e) {
    std::fprintf(stderr, "uplink-bench: %s\n%s", wedge::tools::message(e).c_str(), kUsage);
    return 2;
  }
  auto get = [&args](const char* key, const char* fallback) {
    auto it = args.find(key);
    return it == args.end() ? std::string(fallback) : it->second;
  };
  spdlog::set_level(spdlog::level::warn);
  const std::string uri = get("uri", "mqtt://127.0.0.1:1883");
  const std::string dir = get("state-dir", "/tmp/wedge-bench");
  const int window = std::stoi(get("window", "64"));
  Rig::commit_window = std::chrono::microseconds(std::stoll(get("commit-window-us", "2000")));
  try {
    if (mode == "raw") return raw(uri, std::stoll(get("events", "100000")), window, get("nodelay", "1") != "0");
    if (mode == "durable") return durable(uri, dir, std::stoll(get("events", "100000")), window);
    if (mode == "latency") return latency(uri, dir, std::stod(get("rate", "200")), std::stod(get("seconds", "10")), window);
    if (mode == "bridge") return bridge(uri, dir, std::stod(get("rate", "200")), std::stod(get("seconds", "10")), window);
    if (mode == "fill") return fill_backlog(uri, dir, std::stoll(get("events", "1000000")));
    if (mode == "drain") return drain(uri, dir, window);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "uplink-bench: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "uplink-bench: unknown mode '%s'\n", mode.c_str());
  return 2;
}
