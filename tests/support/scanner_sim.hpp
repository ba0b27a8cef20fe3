// ScannerSim: runs scripts/sim/scanner-sim as a child process and feeds it input lines through a
// FIFO, so a test decides when each scan is sent.
//
// The simulator's stdout (status lines "PTY <path>", "LISTEN …", "CONNECTED", "DISCONNECTED",
// "SENT <n>") is captured to a log that the queries below read. Nothing here blocks on the
// simulator: tests poll the queries with their own wait loop (which keeps their io_context running).
// Test main thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace wedge::test {

class ScannerSim {
 public:
  // `script` is the simulator path; `mode_args` e.g. {"--pty", "--link", dir.file("ttyScan0")}.
  // Files (FIFO, log) go to `dir`, named after `name`.
  ScannerSim(const std::string& script, std::vector<std::string> mode_args, const TempDir& dir,
             const std::string& name = "scanner-sim");
  ~ScannerSim();
  ScannerSim(const ScannerSim&) = delete;
  ScannerSim& operator=(const ScannerSim&) = delete;

  // Writes input lines (each is terminated with '\n' here) to the simulator.
  void send(const std::vector<std::string>& lines);
  void send(const std::string& line) { send(std::vector<std::string>{line}); }

  std::string log() const { return process_->log(); }
  bool log_contains(const std::string& needle) const;
  // The path of the latest "PTY <path>" line; empty before the first one.
  std::string pty_path() const;
  // The port of the latest "LISTEN host:port" line (with --tcp-listen 0 the simulator binds a free
  // port and names it there); -1 before the first one.
  int listen_port() const;
  // Number of input lines written so far (the last "SENT <n>"), 0 before any.
  int sent() const;
  // How many times a status line equal to `line` was printed.
  int count_lines(const std::string& line) const;
  bool running() { return process_ && process_->running(); }
  // Ends the simulator (what it had not sent yet is dropped), e.g. before a daemon restarts on the
  // same config and would reconnect to it. The queries above keep answering from its log.
  void stop();

 private:
  std::string fifo_path_;
  int fifo_fd_ = -1;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace wedge::test
