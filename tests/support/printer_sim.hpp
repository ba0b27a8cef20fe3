// Test peer: the ZPL printer simulator (scripts/sim/zpl-printer-sim) on free loopback ports that
// it binds itself (port 0) and names in its start line, driven through its control port.
//
// PrinterSim starts the script, waits for that line (printed once both ports listen), and offers its commands
// (set("paper-out", true), down(), up(), count(), render()). render() returns each stored label's
// fields with ^FH hex decoded, as the simulator reports them. Test main thread only; the
// simulator is killed by the destructor.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace wedge::test {

struct SimField {
  std::string text;     // decoded bytes (valid UTF-8 assumed; see bytes for the exact ones)
  std::string bytes;    // the exact decoded field bytes
  std::string barcode;  // "^BC" when the field belongs to a barcode command, else empty
};

struct SimLabel {
  std::vector<SimField> fields;
};

struct SimRender {
  std::vector<SimLabel> labels;
  std::vector<std::string> control;  // tilde commands other than ~HS (e.g. "~JR")
};

class PrinterSim {
 public:
  // `script` is the simulator path (WEDGE_SOURCE_DIR "/scripts/sim/zpl-printer-sim"); the log goes
  // to `log_dir`/zpl-sim-<n>.log (n counts this process's simulators). Throws
  // std::runtime_error if it does not come up (see wait_until_started).
  PrinterSim(const std::string& script, const std::string& log_dir,
             std::vector<std::string> extra_args = {});
  ~PrinterSim();
  PrinterSim(const PrinterSim&) = delete;
  PrinterSim& operator=(const PrinterSim&) = delete;

  int port() const { return port_; }
  // Sends one command line, returns the reply line (without newline); throws on a broken link.
  std::string command(const std::string& line);
  void set(const std::string& flag, bool on);  // paper-out, head-open, pause, ribbon-out, mute…
  void down();
  void up();
  int count();
  SimRender render();
  std::string log() const;

 private:
  int port_ = 0;
  int control_port_ = 0;
  int control_fd_ = -1;
  std::string pending_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace wedge::test
