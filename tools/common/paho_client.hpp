// A Paho C++ client connected the way the gateway's link connects (MQTT 5, clean start, TCP_NODELAY
// on its socket), for the benchmarks' baselines: uplink-bench's raw publisher and bridge, and
// scan-bench's minimal durable bridge. Blocks the calling thread until the CONNACK.
// Any thread (set-up only).
#pragma once

#include <mqtt/async_client.h>

#include <memory>
#include <string>

namespace wedge::tools {

// `uri` as the daemon takes it (mqtt://host:port; anything else goes to Paho as written). Room for
// `window` QoS 1 messages in flight. With `nodelay`, TCP_NODELAY is set on the connection as
// daemon/mqtt/broker_socket.hpp does for the link. nullptr (after a line on stderr naming `who`)
// when that socket cannot be found; Paho's exceptions pass through.
[[nodiscard]] std::unique_ptr<::mqtt::async_client> connect_paho(const std::string& who, const std::string& uri,
                                                               const std::string& client_id, int window, bool nodelay);

}  // namespace wedge::tools
