// Scanner: the device interface of the barcode scanner family, and the one place where framed bytes
// become ScanEvents.
//
// Contract: a concrete driver (serial, tcp, evdev) frames its input and calls deliver_frame(). The
// base validates the bytes (drivers/scanner/validation.hpp), strips and maps the AIM identifier
// (aim.hpp), maps the optional GS substitute character back to GS, and calls the scan handler once
// per frame: a good scan, or a rejected one with its reason. One frame gives exactly one event, so a
// bad scan can neither swallow nor double its neighbours.
//
// Threading: loop thread only, like drivers::Device. Handlers run on the loop thread and may call
// stop(); after stop() no handler is called.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "drivers/common/device.hpp"
#include "drivers/scanner/framer.hpp"
#include "drivers/scanner/scan_event.hpp"

namespace wedge::drivers::scanner {

struct ScanOptions {
  bool aim_ids = true;                 // recognise and strip ]Cm identifiers
  std::optional<char> gs_substitute;   // a character the scanner sends in place of GS
};

class Scanner : public drivers::Device {
 public:
  using ScanHandler = std::function<void(const ScanEvent&)>;

  struct Counters {
    std::uint64_t good = 0;
    std::uint64_t rejected = 0;
  };

  Scanner(std::string id, ScanOptions options = {});

  void set_scan_handler(ScanHandler handler) { scan_handler_ = std::move(handler); }
  const Counters& counters() const noexcept { return counters_; }

 protected:
  // Turns one frame into one event. Ignored while inactive (before start(), after stop()).
  void deliver_frame(Frame frame);
  void deliver_rejected(std::string reason);
  void set_scan_options(ScanOptions options) { options_ = options; }
  void set_active(bool active) noexcept { active_ = active; }
  // The start every driver shares: false when it runs already (`alive` holds true) or when the
  // settings were unusable (`config_error` is not empty: reported as faulted); otherwise a fresh
  // `alive` flag for this run's handlers, active, and true: the driver goes on to open its device.
  bool begin_start(const std::string& config_error, std::shared_ptr<bool>& alive);
  bool active() const noexcept { return active_; }

 private:
  void emit(ScanEvent event);

  ScanOptions options_;
  ScanHandler scan_handler_;
  Counters counters_;
  bool active_ = false;
};

}  // namespace wedge::drivers::scanner
