#include "tests/support/notify_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace wedge::test {

NotifySocket::NotifySocket(const std::string& path) {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot bind the notify socket " + path);
}

NotifySocket::~NotifySocket() { ::close(fd_); }

const std::vector<std::string>& NotifySocket::poll() {
  char buffer[4096];
  while (true) {
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    messages_.emplace_back(buffer, static_cast<std::size_t>(n));
  }
  return messages_;
}

bool NotifySocket::received(const std::string& needle) { return count(needle) > 0; }

int NotifySocket::count(const std::string& needle) {
  int n = 0;
  for (const auto& m : poll())
    if (m.find(needle) != std::string::npos) ++n;
  return n;
}

std::string NotifySocket::last_with(const std::string& needle) {
  const auto& all = poll();
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (it->find(needle) != std::string::npos) return *it;
  return {};
}

}  // namespace wedge::test
