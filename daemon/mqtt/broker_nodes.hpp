// The ordered list of broker nodes one connection may use (broker.uris, or broker.uri as a list of
// one), and the node it uses now.
//
// Why we rotate ourselves instead of Paho's connect option serverURIs: Paho tries that list from
// its first entry on every connect() call, within one connect_timeout each, with no back-off
// between nodes, and says which node answered only after a CONNACK. The command channel (our own
// client, command_channel.hpp) has no such list at all. Rotating here gives both connections the
// same rule: start on the first node; after a lost or refused connection move to the next one (the
// list wraps) and wait the connection's back-off before trying it. The node being tried or in use
// is known before CONNECT, so the log, the birth, /api/v1/status and /metrics can name it.
//
// Threading: a value type, owned by one connection on the loop thread.
#pragma once

#include "daemon/mqtt/broker_uri.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace wedge::mqtt {

struct BrokerNode {
  std::string uri;    // as written in the config, for the log, the birth and the status
  BrokerUri address;  // its parts
};

class BrokerNodes {
 public:
  // `uris` must parse (the config and LinkOptions::validate() check that first); an entry that does
  // not is left out, and an empty result throws std::invalid_argument.
  explicit BrokerNodes(const std::vector<std::string>& uris);

  [[nodiscard]] const BrokerNode& current() const { return nodes_[index_]; }
  [[nodiscard]] std::size_t index() const { return index_; }
  [[nodiscard]] std::size_t size() const { return nodes_.size(); }
  [[nodiscard]] const std::vector<BrokerNode>& all() const { return nodes_; }
  // The next node in the list, after the last the first. A list of one stays where it is.
  void advance() { index_ = (index_ + 1) % nodes_.size(); }
  // "mqtt://10.0.0.2:1883 (node 2 of 3)", or just the URI for a list of one.
  [[nodiscard]] std::string describe() const;

 private:
  std::vector<BrokerNode> nodes_;
  std::size_t index_ = 0;
};

}  // namespace wedge::mqtt
