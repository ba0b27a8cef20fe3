#include "daemon/mqtt/broker_nodes.hpp"

#include <stdexcept>

namespace wedge::mqtt {

BrokerNodes::BrokerNodes(const std::vector<std::string>& uris) {
  for (const auto& uri : uris)
    if (auto address = parse_broker_uri(uri)) nodes_.push_back({uri, std::move(*address)});
  if (nodes_.empty()) throw std::invalid_argument("mqtt: no usable broker URI in broker.uri / broker.uris");
}

std::string BrokerNodes::describe() const {
  if (nodes_.size() == 1) return current().uri;
  return current().uri + " (node " + std::to_string(index_ + 1) + " of " + std::to_string(nodes_.size()) + ")";
}

}  // namespace wedge::mqtt
