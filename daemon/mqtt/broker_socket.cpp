#include "daemon/mqtt/broker_socket.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <charconv>
#include <cstring>
#include <string_view>

namespace wedge::mqtt {

namespace {

// The peer of `fd` when it is a connected TCP socket over IPv4 or IPv6.
bool tcp_peer(int fd, sockaddr_storage& peer) {
  int type = 0;
  socklen_t len = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return false;
  int protocol = 0;
  len = sizeof protocol;
  if (::getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) != 0 || protocol != IPPROTO_TCP) return false;
  socklen_t peer_len = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) return false;
  return peer.ss_family == AF_INET || peer.ss_family == AF_INET6;
}

// Whether `peer` is the broker: same port, and the same address when the URI names an IP literal
// (a host name would need a DNS lookup, which must not block the loop; the port alone then decides).
bool is_broker(const sockaddr_storage& peer, const BrokerUri& broker) {
  in_addr v4{};
  in6_addr v6{};
  if (peer.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(peer);
    if (ntohs(in.sin_port) != broker.port) return false;
    if (::inet_pton(AF_INET, broker.host.c_str(), &v4) == 1) return in.sin_addr.s_addr == v4.s_addr;
    return ::inet_pton(AF_INET6, broker.host.c_str(), &v6) != 1;
  }
  const auto& in = reinterpret_cast<const sockaddr_in6&>(peer);
  if (ntohs(in.sin6_port) != broker.port) return false;
  if (::inet_pton(AF_INET6, broker.host.c_str(), &v6) == 1) {
    return std::memcmp(&in.sin6_addr, &v6, sizeof v6) == 0;
  }
  return ::inet_pton(AF_INET, broker.host.c_str(), &v4) != 1;
}

}  // namespace

NodelayResult set_tcp_nodelay_to(const BrokerUri& address) {
  NodelayResult result;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return result;
  const int own_fd = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    int fd = -1;
    const std::string_view name(entry->d_name);
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
    if (ec != std::errc{} || ptr != name.data() + name.size() || fd == own_fd) continue;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage peer{};
    if (!tcp_peer(fd, peer) || !is_broker(peer, address)) continue;
    ++result.found;
    int nodelay = 0;
    socklen_t len = sizeof nodelay;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len) == 0 && nodelay != 0) continue;
    const int on = 1;
    if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0) ++result.changed;
  }
  ::closedir(dir);
  return result;
}

}  // namespace wedge::mqtt
