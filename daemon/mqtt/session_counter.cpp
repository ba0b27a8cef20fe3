#include "daemon/mqtt/session_counter.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace wedge::mqtt {

SessionCounter::SessionCounter(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_);
  long long stored = 0;
  if (in >> stored && stored > 0) value_ = stored;
}

bool SessionCounter::next() {
  ++value_;
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const std::string text = std::to_string(value_) + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = written && ::fsync(fd) == 0;
  ::close(fd);
  return synced && std::rename(tmp.c_str(), path_.c_str()) == 0;
}

}  // namespace wedge::mqtt
