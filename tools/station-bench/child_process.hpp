// ChildProcess: one program the bench starts (mosquitto, the daemon), with stdout and stderr in a log
// file. The child gets its own process group, so a Ctrl-C at the terminal reaches only the bench,
// which then stops its children in order; and it is sent SIGTERM by the kernel if the bench dies
// without stopping it (PR_SET_PDEATHSIG), so no run leaves a daemon or broker behind.
// Main (loop) thread only; start() must be called from the thread that lives as long as the child
// should (PDEATHSIG fires when the forking thread exits).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace wedge::station_bench {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // stop(2 s) if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] (a path, not looked up in PATH) with the bench's environment plus `extra_env`
  // ("NAME=value", each replacing a variable of that name). Returns "" or why it could not start;
  // an exec failure shows up as exit status 127 and a line in the log.
  [[nodiscard]] std::string start(const std::vector<std::string>& argv, const std::string& log_path,
                                  const std::vector<std::string>& extra_env = {});
  pid_t pid() const { return pid_; }
  // False once the child has exited (reaped here); its status is then in exit_status().
  bool running();
  std::optional<int> exit_status() const { return status_; }
  // SIGTERM, up to `grace` for it to exit, then SIGKILL. Returns the waitpid status (-1: none).
  int stop(std::chrono::milliseconds grace);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// "exited 0", "killed by signal 9", … for a waitpid status.
std::string describe_status(int status);

}  // namespace wedge::station_bench
