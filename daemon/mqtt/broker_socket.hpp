// Turns Nagle's algorithm off (TCP_NODELAY) on the gateway's TCP connection to the broker.
//
// Why: Paho C opens its socket with Nagle on and offers no way to set socket options. With Nagle
// on, a PUBLISH written while an earlier one is still unacknowledged at the TCP level waits for
// the broker's ACK, and the broker's kernel may delay that ACK (delayed ACK, 40 ms on Linux) when it
// has nothing to piggyback it on. The same pair on the broker's side (Nagle there, delayed ACK
// here) held PUBACKs back by one event interval or 40 ms (measured: docs/design/outbox.md,
// "Latency"). The broker must disable Nagle itself (mosquitto: `set_tcp_nodelay true`,
// docs/mqtt-api.md); this module does the gateway's half.
//
// Contract
// - set_tcp_nodelay_to(address) looks through this process's open descriptors (/proc/self/fd) for
//   connected TCP sockets whose peer port is address.port and, when address.host is an IP literal,
//   whose peer address is that address; it sets TCP_NODELAY on each that lacks it. Such a socket
//   can only be an MQTT connection to that broker, and TCP_NODELAY never changes what is sent, only
//   when. A descriptor closed meanwhile, or a system without /proc, only means fewer found.
//
// Threading: any thread (call it on the loop after CONNACK, once per connection); it touches
// nothing but the kernel's socket options.
#pragma once

#include "daemon/mqtt/broker_uri.hpp"

namespace wedge::mqtt {

struct NodelayResult {
  int found = 0;    // TCP sockets connected to the broker
  int changed = 0;  // of those, the ones that had Nagle on and now have it off
};

NodelayResult set_tcp_nodelay_to(const BrokerUri& address);

}  // namespace wedge::mqtt
