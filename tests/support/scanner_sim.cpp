#include "tests/support/scanner_sim.hpp"

#include "tests/support/scale_sim.hpp"  // port_of

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <stdexcept>

namespace wedge::test {

ScannerSim::ScannerSim(const std::string& script, std::vector<std::string> mode_args,
                       const TempDir& dir, const std::string& name)
    : fifo_path_(dir.file(name + ".in")) {
  if (::mkfifo(fifo_path_.c_str(), 0600) != 0) throw std::runtime_error("mkfifo " + fifo_path_);
  // Read-write so that opening never blocks and the simulator never sees end of input early.
  fifo_fd_ = ::open(fifo_path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fifo_fd_ < 0) throw std::runtime_error("open " + fifo_path_);
  std::vector<std::string> argv = {"python3", script};
  argv.insert(argv.end(), mode_args.begin(), mode_args.end());
  argv.push_back("--input");
  argv.push_back(fifo_path_);
  process_ = std::make_unique<Subprocess>(argv, dir.file(name + ".log"),
                                          std::vector<std::string>{"PYTHONUNBUFFERED=1"});
}

ScannerSim::~ScannerSim() {
  process_.reset();
  if (fifo_fd_ >= 0) ::close(fifo_fd_);
}

void ScannerSim::stop() {
  if (process_) process_->stop();
}

void ScannerSim::send(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fifo_fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("write to scanner-sim input failed");
    done += static_cast<std::size_t>(n);
  }
}

bool ScannerSim::log_contains(const std::string& needle) const {
  return log().find(needle) != std::string::npos;
}

std::string ScannerSim::pty_path() const {
  std::istringstream in(log());
  std::string line, path;
  while (std::getline(in, line))
    if (line.rfind("PTY ", 0) == 0) path = line.substr(4);
  return path;
}

int ScannerSim::sent() const {
  std::istringstream in(log());
  std::string line;
  int sent = 0;
  while (std::getline(in, line))
    if (line.rfind("SENT ", 0) == 0) sent = std::stoi(line.substr(5));
  return sent;
}

int ScannerSim::listen_port() const {
  std::istringstream in(log());
  int port = -1;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("LISTEN ", 0) == 0) port = port_of(line.substr(7));
  return port;
}

int ScannerSim::count_lines(const std::string& wanted) const {
  std::istringstream in(log());
  std::string line;
  int count = 0;
  while (std::getline(in, line))
    if (line == wanted) ++count;
  return count;
}

}  // namespace wedge::test
