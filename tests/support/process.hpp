// Test helpers for running real peers: child processes, free loopback ports, polling.
//
// Tests never sleep to wait: they poll a condition with wait_until(). Child processes are killed
// (SIGKILL after a SIGTERM grace period) by the destructor, so a failing test leaves nothing behind.
// Used from the test's main thread only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace wedge::test {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int free_tcp_port();

// Polls `condition` every `interval` until it holds or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10),
                std::chrono::milliseconds interval = std::chrono::milliseconds(10));

// True once something accepts TCP connections on 127.0.0.1:port.
bool tcp_port_open(int port);

// A fresh temporary directory, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A child process with stdout+stderr captured to a log file.
class Subprocess {
 public:
  // argv[0] is looked up in PATH. `env` entries ("K=V") are added to the inherited environment.
  Subprocess(std::vector<std::string> argv, std::string log_path,
             std::vector<std::string> env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Waits for exit up to `timeout`; returns the exit status as from waitpid, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  // SIGTERM, wait `grace`, then SIGKILL. Returns the waitpid status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  std::string log() const;  // the captured output so far

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::string log_path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

}  // namespace wedge::test
