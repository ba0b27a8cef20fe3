// uplink-runner: the outbox and the MQTT link on their own, driven by command-line flags.
//
// It generates business events until the outbox has issued --events seqs in total (so a restart
// with the same flags after a crash completes the same stream), at --rate-per-s (0 = as fast as the
// outbox commits), and publishes them through the link. Accepted commands are printed to stdout as
// `command <type> <id> <order_id>`; progress as `generated <n>` and `drained` lines. SIGTERM/SIGINT
// stop it cleanly (retained offline status, clean DISCONNECT), exit code 0.
//
// Commands go to real stations without devices (the --stations ids, each a pick station): the
// order state lives in their stations.db, and their order checks answer unknown_order,
// order_exists and invalid_state as the daemon does. Their KPI windows are too long to close
// while it runs, so the events in the outbox are the generated ones and those of the orders.
#include "daemon/config/config.hpp"
#include "daemon/devices/device_set.hpp"
#include "daemon/mqtt/link.hpp"
#include "daemon/mqtt/topics.hpp"
#include "daemon/outbox/event_sink.hpp"
#include "daemon/outbox/outbox.hpp"
#include "daemon/print/print_queue.hpp"
#include "daemon/print/schema.hpp"
#include "daemon/station/stations.hpp"
#include "tools/common/command_line.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <thread>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr const char* kHelp = R"(usage: uplink-runner --uri URI --state-dir DIR [options]
  --uri URI               broker, mqtt://host:port or mqtts://host:port; a,b,c: broker.uris (failover)
  --state-dir DIR         outbox.db, commands.db and mqtt-session live here
  --site S --gateway G    topic levels (default site1 / gw1)
  --client-id ID          default wedge-<site>-<gateway>
  --mqtt-version V        5 (default) or 3.1.1
  --events N              make the outbox hold N events in total since it was created (default 0)
  --rate-per-s R          event rate; 0 = as fast as commits allow (default 0)
  --max-events N          outbox limit (default 1000000)
  --inflight N            mqtt inflight window (default 64)
  --replay-rate R         replay token bucket rate per second (default 0 = off)
  --replay-burst N        replay token bucket burst (default 100)
  --ca F --cert F --key F TLS files
  --credentials F         username=/password= file (must be mode 0600)
  --stations a,b --devices x,y   listed in the birth message
  --session-expiry-s N    default 604800
  --exit-when-drained     exit 0 once all events are generated and acknowledged
)";

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// The configuration of the stations that take the commands: pick stations without devices. The
// stations never see the broker (the link above does): its uri here only satisfies the schema.
wedge::config::Config station_config(const wedge::mqtt::LinkOptions& options, const std::vector<std::string>& ids) {
  std::string yaml = "site: " + options.site + "\ngateway: " + options.gateway + "\nstate_dir: " + options.state_dir +
                     "\nbroker:\n  uri: mqtt://127.0.0.1:1883\nstations:\n";
  for (const auto& id : ids) yaml += "  - {id: " + id + ", steps: [pick]}\n";
  auto loaded = wedge::config::parse_config(yaml, "uplink-runner.yaml", options.state_dir);
  if (!loaded.config) {
    std::string errors;
    for (const auto& e : loaded.errors) errors += "\n  " + e.to_string();
    throw std::runtime_error("stations:" + errors);
  }
  return std::move(*loaded.config);
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  bool exit_when_drained = false;
  wedge::tools::Flags flags;
  flags.flag("help,h", [] {
         std::cout << kHelp;
         std::exit(0);
       })
      .flag("exit-when-drained", [&] { exit_when_drained = true; });
  for (const char* key : {"uri", "state-dir", "site", "gateway", "client-id", "mqtt-version", "events", "rate-per-s",
                          "max-events", "inflight", "replay-rate", "replay-burst", "ca", "cert", "key", "credentials",
                          "stations", "devices", "session-expiry-s"})
    flags.value(key, [&args, key](const std::string& value) { args[key] = value; });
  try {
    flags.apply(argc, argv);
  } catch (const wedge::tools::po::error& e) {
    std::cerr << "uplink-runner: " << wedge::tools::message(e) << "\n" << kHelp;
    return 2;
  }
  auto get = [&args](const std::string& key, const std::string& fallback) {
    auto it = args.find(key);
    return it == args.end() ? fallback : it->second;
  };
  if (!args.count("uri") || !args.count("state-dir")) {
    std::cerr << "uplink-runner: --uri and --state-dir are required\n" << kHelp;
    return 2;
  }
  spdlog::set_pattern("%H:%M:%S.%e %l %v");
  spdlog::set_level(spdlog::level::info);
  std::setvbuf(stdout, nullptr, _IONBF, 0);  // tests read the log while it runs
  // Block SIGINT/SIGTERM before Paho and the outbox start their threads, and take them with sigwait
  // on one thread of our own: the signal can then never land in a library thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    boost::asio::io_context io;
    auto loop = io.get_executor();
    wedge::mqtt::LinkOptions options;
    options.broker_uri = get("uri", "");
    if (options.broker_uri.find(',') != std::string::npos) options.broker_uris = split(options.broker_uri);
    options.state_dir = get("state-dir", "");
    options.site = get("site", "site1");
    options.gateway = get("gateway", "gw1");
    options.client_id = get("client-id", "");
    options.mqtt_version = get("mqtt-version", "5");
    options.inflight_window = std::stoi(get("inflight", "64"));
    options.replay_rate_per_s = std::stod(get("replay-rate", "0"));
    options.replay_burst = std::stoi(get("replay-burst", "100"));
    options.ca_file = get("ca", "");
    options.cert_file = get("cert", "");
    options.key_file = get("key", "");
    options.credentials_file = get("credentials", "");
    options.session_expiry_s = std::stoll(get("session-expiry-s", "604800"));
    options.reconnect_min_ms = 100;
    options.reconnect_max_ms = 500;  // tests restart the broker and wait for the link to come back
    options.connect_timeout_s = 2;
    std::filesystem::create_directories(options.state_dir);

    wedge::outbox::Options outbox_options;
    outbox_options.db_path = options.state_dir + "/outbox.db";
    outbox_options.max_events = std::stoll(get("max-events", "1000000"));
    wedge::outbox::Outbox outbox(loop, outbox_options);
    const wedge::mqtt::Inventory inventory{split(get("stations", "st1")), split(get("devices", ""))};
    wedge::commands::CommandJournal journal(loop, options.state_dir + "/commands.db");
    wedge::mqtt::Link link(loop, options, outbox, journal, [inventory] { return inventory; });
    const auto config = station_config(options, inventory.stations);
    wedge::outbox::OutboxSink sink(
        outbox, wedge::mqtt::event_topic_of(wedge::mqtt::Topics(options.topic_prefix, options.site, options.gateway)));
    wedge::DeviceSet devices(loop, config);
    wedge::print::PrintQueue print_queue(loop, wedge::print::queue_options(config.section("printing"), config.state_dir));
    wedge::station::StationsOptions station_options;
    station_options.kpi_interval = std::chrono::hours(24 * 30);
    wedge::station::Stations stations(loop, config, devices, sink, journal, print_queue, config.state_dir,
                                      station_options);
    link.set_command_handler([&stations](const wedge::commands::Command& command) {
      std::printf("command %s %s %s\n", std::string(wedge::commands::to_string(command.type)).c_str(),
                  command.id.c_str(), command.order_id.c_str());
      stations.handle_command(command);
    });
    outbox.set_alarm_handler([](bool full, const std::string& reason) {
      std::printf("alarm full=%d %s\n", full ? 1 : 0, reason.c_str());
      std::fflush(stdout);
    });
    const wedge::mqtt::Topics topics(options.topic_prefix, options.site, options.gateway);

    const std::int64_t target = std::stoll(get("events", "0"));
    const double rate = std::stod(get("rate-per-s", "0"));
    std::int64_t issued = outbox.stats().last_seq;
    std::int64_t outstanding = 0;
    bool generated_reported = false;
    bool drained_reported = false;
    bool refusing = false;
    boost::asio::steady_timer tick(io);
    const auto period = std::chrono::microseconds(rate > 0 ? static_cast<long long>(1e6 / rate) : 1000);
    std::function<void()> generate = [&] {
      // Keep a bounded number of appends waiting for their commit.
      const std::int64_t per_tick = rate > 0 ? 1 : 2000;
      for (std::int64_t i = 0; i < per_tick && issued < target && outstanding < 4000; ++i) {
        ++issued;
        ++outstanding;
        wedge::outbox::NewEvent event;
        event.type = "pick.scan_accepted";
        event.station = "st1";
        event.order_id = fmt::format("O-{}", issued / 10);
        event.topic = topics.event(event.station, event.type);
        event.data_json = fmt::format(R"({{"n":{},"barcode":"0123456789012"}})", issued);
        outbox.append(std::move(event), [&](const wedge::outbox::AppendResult& result) {
          --outstanding;
          if (!result) {
            // Report the first refusal of a full spell, then retry quietly until there is room.
            if (!refusing) {
              std::printf("refused %s %s\n", std::string(wedge::outbox::to_string(result.error().code)).c_str(),
                          result.reason().c_str());
            }
            refusing = true;
            --issued;
          } else {
            refusing = false;
          }
        });
      }
      if (issued >= target && outstanding == 0 && !generated_reported) {
        generated_reported = true;
        std::printf("generated %lld\n", static_cast<long long>(outbox.stats().last_seq));
        std::fflush(stdout);
      }
      if (generated_reported && outbox.stats().depth == 0 && !drained_reported) {
        drained_reported = true;
        std::printf("drained\n");
        std::fflush(stdout);
        if (exit_when_drained) {
          stations.stop();
          link.stop();
          outbox.close();
          io.stop();
          return;
        }
      }
      tick.expires_after(period);
      tick.async_wait([&](boost::system::error_code ec) {
        if (!ec) generate();
      });
    };

    std::thread signal_waiter([&io, &link, &outbox, &stations, stop_signals] {
      int sig = 0;
      sigwait(&stop_signals, &sig);
      boost::asio::post(io, [&] {
        stations.stop();
        link.stop();
        outbox.close();
        io.stop();
      });
    });
    signal_waiter.detach();
    stations.start();
    print_queue.start();
    link.start();
    generate();
    std::printf("ready session=%lld\n", static_cast<long long>(link.stats().session));
    std::fflush(stdout);
    std::fflush(stdout);
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "uplink-runner: %s\n", e.what());
    return 1;
  }
}
