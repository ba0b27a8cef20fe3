// What the benchmarks need of the loopback interface and the broker they start: a free port, whether
// something accepts on a port yet, and mosquitto's configuration for a run. Any thread.
#pragma once

#include <string>

namespace wedge::station_bench {

// A port nobody listened on a moment ago (bound to 0 on 127.0.0.1, then released).
[[nodiscard]] int free_loopback_port();
// Something accepts TCP connections on 127.0.0.1:port.
[[nodiscard]] bool loopback_port_open(int port);
// mosquitto.conf: a listener on 127.0.0.1:port, no persistence, no queue limits, Nagle off (as the
// deployment's broker must: docs/mqtt-api.md, "Connection"), its log into log_path. It runs as the
// current user: started as root, mosquitto would drop to the user "mosquitto", who cannot write into
// the bench's private directory.
[[nodiscard]] std::string mosquitto_conf(int port, const std::string& log_path);

}  // namespace wedge::station_bench
