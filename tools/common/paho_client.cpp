#include "tools/common/paho_client.hpp"

#include "daemon/mqtt/broker_socket.hpp"

#include <algorithm>
#include <cstdio>

namespace wedge::tools {

std::unique_ptr<::mqtt::async_client> connect_paho(const std::string& who, const std::string& uri,
                                                 const std::string& client_id, int window, bool nodelay) {
  auto create = ::mqtt::create_options(MQTTVERSION_5);
  create.set_max_buffered_messages(std::max(1000, window * 4));
  const auto broker = wedge::mqtt::parse_broker_uri(uri);
  const std::string paho = broker ? broker->paho() : uri;
  auto client = std::make_unique<::mqtt::async_client>(paho, client_id, create, nullptr);
  client
      ->connect(::mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).clean_start(true).max_inflight(window * 2 + 16).finalize())
      ->wait();
  if (nodelay && (!broker || wedge::mqtt::set_tcp_nodelay_to(*broker).found == 0)) {
    std::fprintf(stderr, "%s: no connection to %s found to set TCP_NODELAY on\n", who.c_str(), uri.c_str());
    return nullptr;
  }
  return client;
}

}  // namespace wedge::tools
