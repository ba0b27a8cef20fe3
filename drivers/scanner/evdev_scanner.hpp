// EvdevScanner: a USB HID keyboard-wedge scanner read from its evdev node
// (/dev/input/by-id/usb-*-event-kbd), decoded by KeyDecoder.
//
// Contract: start() resolves `path` (glob allowed), opens it read-only and, with grab: true (the
// default), takes EVIOCGRAB so scans never type into a console or desktop. Health: connected while
// open (and grabbed); disconnected with "no device matches …", "cannot open …" or
// "device … gone: …"/"end of stream from …" (unplug); faulted with "cannot grab …: …" when another
// process holds the device (EBUSY) or the node is no input device (ENOTTY), and for a bad config.
// After any failure the node is closed and the glob re-resolved with back-off (periodic rescan), so
// unplug and replug are followed. Any readable fd works when grab is false: tests feed a FIFO with
// real `struct input_event` records.
// A partial scan without Enter for inter_char_timeout_ms is rejected ("no Enter within N ms").
// Loop thread only (see drivers::Device).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdint>
#include <string>

#include "drivers/common/settings.hpp"
#include "drivers/scanner/device_node_scanner.hpp"
#include "drivers/scanner/key_decoder.hpp"
#include "drivers/scanner/schema.hpp"

namespace wedge::drivers::scanner {

class EvdevScanner : public DeviceNodeScanner {
 public:
  EvdevScanner(boost::asio::any_io_executor executor, std::string id,
               const drivers::Settings& settings);
  ~EvdevScanner() override;

 private:
  EvdevScanner(boost::asio::any_io_executor executor, std::string id,
               const core::Result<EvdevConfig>& parsed);

  core::Status open_device(const std::string& path) override;
  void start_read() override;
  void end_of_stream() override;
  void close_device() override;
  std::string open_message() const override;
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void on_frame(Frame frame);
  void arm_timer();

  EvdevConfig config_;
  boost::asio::posix::stream_descriptor device_;
  boost::asio::steady_timer char_timer_;
  std::uint64_t char_timer_seq_ = 0;
  KeyDecoder decoder_;
  std::array<char, 64 * sizeof(input_event)> buffer_{};
  std::string pending_;  // a partial input_event record from the previous read
};

}  // namespace wedge::drivers::scanner
