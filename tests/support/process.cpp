#include "tests/support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace wedge::test {

namespace {

int any_free_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("bind");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

int free_tcp_port() {
  static std::mutex mutex;
  static std::set<int> handed_out;
  std::lock_guard lock(mutex);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int port = any_free_tcp_port();
    if (handed_out.insert(port).second) return port;
  }
  throw std::runtime_error("no TCP port that this process was not handed before");
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(interval);
  }
}

bool tcp_port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

SilentTcpListener::SilentTcpListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("cannot open a silent listener");
  }
  port_ = ntohs(addr.sin_port);
}

SilentTcpListener::~SilentTcpListener() { ::close(fd_); }

bool SilentTcpListener::connection_pending(std::chrono::milliseconds timeout) const {
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "wedge-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Subprocess::Subprocess(std::vector<std::string> argv, std::string log_path,
                       std::vector<std::string> env)
    : program_(argv.empty() ? std::string() : argv.front()), log_path_(std::move(log_path)) {
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::setpgid(0, 0);
    for (auto& e : env) ::putenv(e.data());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
}

Subprocess::~Subprocess() {
  if (!reaped_) stop(std::chrono::seconds(2));
}

bool Subprocess::running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped(status);
    return false;
  }
  return true;
}

void Subprocess::reaped(int status) {
  reaped_ = true;
  status_ = status;
  if (const auto report = sanitizer_report(log()); !report.empty())
    ADD_FAILURE() << program_ << " (pid " << pid_ << ") printed a sanitizer report:\n" << report;
}

void Subprocess::signal(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

int Subprocess::wait(std::chrono::milliseconds timeout) {
  if (wait_until([this] { return !running(); }, timeout, std::chrono::milliseconds(5)))
    return status_;
  return -1;
}

int Subprocess::stop(std::chrono::milliseconds grace) {
  if (reaped_) return status_;
  signal(SIGTERM);
  if (wait(grace) == -1) {
    signal(SIGKILL);
    wait(std::chrono::seconds(5));
  }
  return status_;
}

std::string Subprocess::log() const { return read_file(log_path_); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string sanitizer_report(const std::string& log) {
  // ASan and LSan: "==PID==ERROR: AddressSanitizer: …"; UBSan: "file:line:col: runtime error: …".
  std::size_t start = std::string::npos;
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error: "}) {
    start = std::min(start, log.find(marker));
  }
  if (start == std::string::npos) return "";
  start = log.rfind('\n', start);
  start = start == std::string::npos ? 0 : start + 1;
  constexpr std::size_t kMaxReport = 8000;
  return log.substr(start, kMaxReport);
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

}  // namespace wedge::test
