// TCP_NODELAY on the connection to the broker: only sockets connected to the broker's address (host
// and port from broker_uri.hpp) get Nagle turned off (real loopback sockets).
#include "daemon/mqtt/broker_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace wedge::mqtt {
namespace {

// A loopback listener and a client socket connected to it.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() {
    for (const int fd : {client_, accepted_, fd_}) {
      if (fd >= 0) ::close(fd);
    }
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int port() const { return port_; }
  // Connects a client (Nagle on, as Paho leaves it) and accepts it; returns the client's fd.
  int connect_client() {
    client_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    EXPECT_EQ(::connect(client_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    accepted_ = ::accept(fd_, nullptr, nullptr);
    EXPECT_GE(accepted_, 0);
    return client_;
  }
  int accepted() const { return accepted_; }

 private:
  int fd_ = -1;
  int client_ = -1;
  int accepted_ = -1;
  int port_ = 0;
};

int nodelay(int fd) {
  int value = -1;
  socklen_t len = sizeof value;
  EXPECT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len), 0);
  return value;
}

TEST(BrokerSocket, TurnsNagleOffOnlyOnConnectionsToTheBroker) {
  Listener broker;
  Listener other;
  const int to_broker = broker.connect_client();
  const int to_other = other.connect_client();
  ASSERT_EQ(nodelay(to_broker), 0);

  const auto result = set_tcp_nodelay_to(BrokerUri{"127.0.0.1", broker.port()});
  EXPECT_EQ(result.found, 1);
  EXPECT_EQ(result.changed, 1);
  EXPECT_NE(nodelay(to_broker), 0);
  EXPECT_EQ(nodelay(to_other), 0);
  // The broker's own end (peer = our ephemeral port) and the listening socket are left alone.
  EXPECT_EQ(nodelay(broker.accepted()), 0);

  // Once per connection is enough: a second pass finds it already set.
  const auto again = set_tcp_nodelay_to(BrokerUri{"127.0.0.1", broker.port()});
  EXPECT_EQ(again.found, 1);
  EXPECT_EQ(again.changed, 0);
}

TEST(BrokerSocket, AHostNameMatchesByPortAndAnotherAddressDoesNotMatch) {
  Listener broker;
  const int to_broker = broker.connect_client();
  EXPECT_EQ(set_tcp_nodelay_to(BrokerUri{"127.0.0.2", broker.port()}).found, 0);
  EXPECT_EQ(set_tcp_nodelay_to(BrokerUri{"::1", broker.port()}).found, 0);
  EXPECT_EQ(nodelay(to_broker), 0);
  const auto by_name = set_tcp_nodelay_to(BrokerUri{"localhost", broker.port()});
  EXPECT_EQ(by_name.found, 1);
  EXPECT_NE(nodelay(to_broker), 0);
}

}  // namespace
}  // namespace wedge::mqtt
