#include "tests/support/scale_sim.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>

namespace wedge::test {

SimProcess::SimProcess(std::vector<std::string> argv) {
  const auto fifo = dir_.file("control");
  if (::mkfifo(fifo.c_str(), 0600) != 0) throw std::runtime_error("mkfifo " + fifo);
  // O_RDWR never blocks on a FIFO and keeps it open for the child's reads.
  control_fd_ = ::open(fifo.c_str(), O_RDWR);
  if (control_fd_ < 0) throw std::runtime_error("open " + fifo);
  argv.push_back("--control");
  argv.push_back(fifo);
  process_ = std::make_unique<Subprocess>(std::move(argv), dir_.file("sim.log"));
}

SimProcess::~SimProcess() {
  process_.reset();
  if (control_fd_ >= 0) ::close(control_fd_);
}

std::string SimProcess::log() const { return process_->log(); }

std::vector<std::string> SimProcess::lines(const std::string& prefix) const {
  std::vector<std::string> found;
  std::istringstream in(log());
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) found.push_back(line.substr(prefix.size()));
  return found;
}

bool SimProcess::command(const std::string& line, std::chrono::milliseconds timeout) {
  const auto before = lines("OK " + line).size();
  const std::string data = line + "\n";
  if (::write(control_fd_, data.data(), data.size()) != static_cast<ssize_t>(data.size()))
    return false;
  return wait_until([&] { return lines("OK " + line).size() > before; }, timeout,
                    std::chrono::milliseconds(5));
}

std::optional<std::string> SimProcess::wait_for_line(const std::string& prefix,
                                                     std::chrono::milliseconds timeout) {
  std::optional<std::string> found;
  wait_until(
      [&] {
        const auto all = lines(prefix);
        if (!all.empty()) found = all.front();
        return found.has_value() || !process_->running();
      },
      timeout, std::chrono::milliseconds(5));
  return found;
}

int port_of(const std::string& listen_rest) {
  const auto colon = listen_rest.rfind(':');
  if (colon == std::string::npos) return -1;
  try {
    return std::stoi(listen_rest.substr(colon + 1));
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace wedge::test
