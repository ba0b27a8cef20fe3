// A unix datagram socket standing in for systemd's notification socket (NOTIFY_SOCKET): the tests
// read what the daemon told systemd (READY=1, STATUS=…, WATCHDOG=1). Test thread only.
#pragma once

#include <string>
#include <vector>

namespace wedge::test {

class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // Reads every datagram waiting; returns them appended to what was read before.
  const std::vector<std::string>& poll();
  bool received(const std::string& needle);
  int count(const std::string& needle);
  // The last message that contains `needle`, or "" when none did.
  std::string last_with(const std::string& needle);

 private:
  int fd_ = -1;
  std::vector<std::string> messages_;
};

}  // namespace wedge::test
