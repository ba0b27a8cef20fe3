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

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released), and not one
// this process was handed before: the kernel may give the same released port to the next bind(0),
// and two daemons of one test once got the same HTTP port (TwoGateways: the second one's bind
// failed, and the test's queries for gateway A reached gateway B).
int free_tcp_port();

// Polls `condition` every `interval` until it holds or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10),
                std::chrono::milliseconds interval = std::chrono::milliseconds(10));

// True once something accepts TCP connections on 127.0.0.1:port.
bool tcp_port_open(int port);

// A listening socket on 127.0.0.1 that never accepts: the kernel completes the TCP handshake, a
// client's first packet goes out, and no answer ever comes (a broker or device that hangs).
class SilentTcpListener {
 public:
  SilentTcpListener();
  ~SilentTcpListener();
  SilentTcpListener(const SilentTcpListener&) = delete;
  SilentTcpListener& operator=(const SilentTcpListener&) = delete;
  int port() const { return port_; }
  // True once a client's connection waits in the backlog, within `timeout`.
  bool connection_pending(std::chrono::milliseconds timeout) const;

 private:
  int fd_;
  int port_ = 0;
};

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

// A child process with stdout+stderr captured to a log file. When it has ended and its log holds a
// sanitizer report (ASan, LeakSanitizer, UBSan: a WEDGE_SANITIZE build), the running test fails
// with that report, whatever the test checks of the exit status.
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
  void reaped(int status);

  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::string program_;
  std::string log_path_;
};

std::string read_file(const std::string& path);

// The first sanitizer report in `log` (from its "ERROR: …Sanitizer" or "runtime error" line on),
// or "" when there is none.
std::string sanitizer_report(const std::string& log);
void write_file(const std::string& path, const std::string& content);

}  // namespace wedge::test
