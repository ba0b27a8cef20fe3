// SimProcess: runs one of wedge's device simulators (tools/modbus-sim, scripts/sim/mtsics-sim) as
// a child process driven through a FIFO (its --control input), with its output in a log file.
//
// command("weight 1250.5") writes one control line and waits until the simulator has echoed
// "OK weight 1250.5", so the change is in effect when it returns. wait_for_line("PTY ") returns
// the rest of the first output line starting with that prefix (the pty path, "LISTEN host:port").
// Used from the test's main thread only; the child is killed when the object dies.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace wedge::test {

class SimProcess {
 public:
  // `argv` without --control (added here). Starts the child at once.
  explicit SimProcess(std::vector<std::string> argv);
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  // Sends one control line and waits (up to `timeout`) for its "OK" echo; false on timeout.
  bool command(const std::string& line,
               std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The rest of the first output line that starts with `prefix`, once it appears.
  std::optional<std::string> wait_for_line(const std::string& prefix,
                                           std::chrono::milliseconds timeout =
                                               std::chrono::seconds(10));
  // Every output line starting with `prefix` (prefix stripped), in order.
  std::vector<std::string> lines(const std::string& prefix) const;
  std::string log() const;
  bool running() { return process_->running(); }

 private:
  TempDir dir_;
  int control_fd_ = -1;
  std::unique_ptr<Subprocess> process_;
};

// Port from a "LISTEN host:port" line's rest ("127.0.0.1:1502" → 1502); -1 if none.
int port_of(const std::string& listen_rest);

}  // namespace wedge::test
